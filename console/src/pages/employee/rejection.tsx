import { useI18n } from "../../i18n/i18n";
import { When } from "../../ui/values";
import { rejectionReasonKey } from "../../format/events";

/** The employer sent this invoice back: when, and why (the reason code it gave, with its label when known). */
export function RejectionNote({ event }: { event: { time: string; reason?: unknown } }) {
  const { t } = useI18n();
  const code = typeof event.reason === "string" ? event.reason : "";
  const label = rejectionReasonKey(code);
  return (
    <div class="notice notice-info employee-rejection" data-testid="rejection" data-reason={code}>
      <p class="notice-title">{t("employee.reject.title")}</p>
      <p>
        {t("employee.reject.reason")}
        {label === undefined ? null : <>{t(label)} </>}
        <code>{code}</code>
      </p>
      <p class="notice-meta">
        <When iso={event.time} /> · {t("employee.reject.again")}
      </p>
    </div>
  );
}
