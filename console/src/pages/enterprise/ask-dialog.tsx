import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

import { useI18n } from "../../i18n/i18n";

/**
 * ui/confirm.tsx's ConfirmDialog for a step that can be undone (suspending an employee is undone by reinstating):
 * the same modal <dialog>, without the "cannot be undone" line, which would be untrue here. Belongs in ui/ as an
 * `irreversible={false}` option of ConfirmDialog.
 */
export function AskDialog({ open, title, confirmLabel, busy, onConfirm, onCancel, children, danger = false }: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy?: boolean;
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="ask-title" onCancel={(event) => (event.preventDefault(), onCancel())}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <h2 id="ask-title">{title}</h2>
        {children}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onCancel}>
            {t("action.cancel")}
          </button>
          <button type="submit" class={danger ? "button button-danger" : "button button-primary"} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
