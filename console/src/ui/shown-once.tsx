import { useEffect, useId, useRef, useState } from "preact/hooks";

import { useI18n } from "../i18n/i18n";

/**
 * A secret the API shows once (an API key, a webhook's signing secret): in full, selectable, with a copy button,
 * the warning that it cannot be shown again, and the button that puts it away. Focus moves to it when it appears.
 */
export function ShownOnce({ title, lead, secret, doneLabel, onDone }: { title: string; lead?: string; secret: string; doneLabel?: string; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => box.current?.focus(), []);
  return (
    <div class="notice notice-info shown-once" role="region" aria-labelledby={titleId} tabIndex={-1} ref={box} data-testid="shown-once">
      <p class="notice-title" id={titleId}>
        {title}
      </p>
      <p>{lead ?? t("once.lead")}</p>
      <code class="secret" data-testid="secret">
        {secret}
      </code>
      <div class="form-actions">
        <button
          type="button"
          class="button button-primary"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(secret)
              .then(() => setCopied(true))
              .catch(() => setCopied(false));
          }}
        >
          {copied ? t("once.copied") : t("once.copy")}
        </button>
        <button type="button" class="button" data-testid="shown-once-done" onClick={onDone}>
          {doneLabel ?? t("once.stored")}
        </button>
      </div>
    </div>
  );
}
