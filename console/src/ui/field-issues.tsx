import { catalogueOf } from "../../../api/i18n/localize";
import type { EInvoiceApiError } from "../api/client";
import { useI18n } from "../i18n/i18n";
import { ErrorNotice } from "./views";

export interface FieldIssues {
  /** The words for each field path the API named (`items.0.unitPrice`, `buyer.taxpayerId`, `number`). */
  byPath: ReadonlyMap<string, string>;
  /** The issues of paths no field of the form shows (`known` says which it shows), to list with the refusal. */
  unplaced(known: (path: string) => boolean): string[];
}

/**
 * A VALIDATION_FAILED refusal's issues by field path, each worded in the page's language by the API's own
 * catalogue (api/i18n: the same words its answers use), to place next to the form's fields. Empty for any
 * other refusal.
 */
export function useFieldIssues(error: EInvoiceApiError | undefined): FieldIssues {
  const { language } = useI18n();
  const byPath = new Map<string, string>();
  if (error?.code === "VALIDATION_FAILED" && Array.isArray(error.details.issues)) {
    const catalogue = catalogueOf(language);
    for (const raw of error.details.issues as unknown[]) {
      if (typeof raw !== "object" || raw === null) continue;
      const issue = raw as Parameters<typeof catalogue.issue>[0];
      if (typeof issue.path !== "string" || typeof issue.message !== "string") continue;
      const text = catalogue.issue(issue);
      byPath.set(issue.path, byPath.has(issue.path) ? `${byPath.get(issue.path)!}；${text}` : text);
    }
  }
  return { byPath, unplaced: (known) => [...byPath.entries()].filter(([path]) => !known(path)).map(([path, text]) => (path === "" ? text : `${path}: ${text}`)) };
}

/**
 * A form's refusal: the API's own notice, except for a VALIDATION_FAILED whose every issue is shown next to its
 * field, where a short alert points to them (and lists any issue no field of the form shows).
 */
export function FormRefusal({ error, unplaced }: { error: EInvoiceApiError | undefined; unplaced: string[] }) {
  const { t } = useI18n();
  if (error === undefined) return null;
  if (error.code !== "VALIDATION_FAILED") return <ErrorNotice error={error} />;
  return (
    <div class="notice notice-error" role="alert" data-code={error.code}>
      <p class="notice-title">{t("form.fix")}</p>
      {unplaced.length === 0 ? null : (
        <ul class="form-issues">
          {unplaced.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      <p class="notice-meta">
        <code>{t("view.errorCode", { code: error.code })}</code>
        {error.requestId === undefined ? null : <span> · {t("view.requestId", { id: error.requestId })}</span>}
      </p>
    </div>
  );
}
