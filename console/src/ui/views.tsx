import type { ComponentChildren } from "preact";

import type { EInvoiceApiError } from "../api/client";
import type { Resource } from "../api/use-resource";
import { useI18n } from "../i18n/i18n";

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="view-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {t("view.loading")}
    </p>
  );
}

export function Empty({ children }: { children?: ComponentChildren }) {
  const { t } = useI18n();
  return <p class="view-empty">{children ?? t("view.empty")}</p>;
}

/** A refusal in words (the API's own message, in the page's language) with its code and request id to quote. */
export function ErrorNotice({ error, onRetry }: { error: EInvoiceApiError; onRetry?: (() => void) | undefined }) {
  const { t } = useI18n();
  const forbidden = error.status === 403 && error.code === "FORBIDDEN";
  return (
    <div class="notice notice-error" role="alert" data-code={error.code}>
      <p class="notice-title">{error.status === 0 ? t("view.network") : forbidden ? t("view.forbidden") : error.message}</p>
      <p class="notice-meta">
        <code>{t("view.errorCode", { code: error.code })}</code>
        {error.requestId === undefined ? null : <span> · {t("view.requestId", { id: error.requestId })}</span>}
      </p>
      {onRetry === undefined || !error.retryable ? null : (
        <button type="button" class="button" onClick={onRetry}>
          {t("view.retry")}
        </button>
      )}
    </div>
  );
}

/** A read's every state: loading (first time), refused, empty, or its data. */
export function ResourceView<T>({ resource, isEmpty, empty, children }: { resource: Resource<T>; isEmpty?: (data: T) => boolean; empty?: ComponentChildren; children: (data: T) => ComponentChildren }) {
  if (resource.status === "error") return <ErrorNotice error={resource.error} onRetry={resource.reload} />;
  if (resource.data === undefined) return <Loading />;
  if (isEmpty?.(resource.data)) return <Empty>{empty}</Empty>;
  return <div aria-busy={resource.status === "loading"}>{children(resource.data)}</div>;
}

/** A short confirmation that something was done, read out by screen readers. */
export function Success({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice notice-success" role="status">
      {children}
    </p>
  );
}
