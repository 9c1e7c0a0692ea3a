import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";

import { useI18n } from "../i18n/i18n";

/**
 * Asks before a step that matters (reimburse, file, reverse, freeze; suspend, with `irreversible={false}`): a modal <dialog> (focus kept inside,
 * Escape cancels), with what will happen in words. `children` may hold inputs the step needs (a reason).
 */
export function ConfirmDialog({ open, title, confirmLabel, busy, onConfirm, onCancel, children, danger = false, irreversible = true }: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy?: boolean;
  danger?: boolean;
  /** Says that the step cannot be undone (the default); false for one that can (suspending, which reinstating undoes). */
  irreversible?: boolean;
  onConfirm(): void;
  onCancel(): void;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby={titleId} onCancel={(event) => (event.preventDefault(), onCancel())}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
        {irreversible ? <p class="dialog-warning">{t("confirm.irreversible")}</p> : null}
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
