import type { SearchPages } from "../api/search-pages";
import { useI18n } from "../i18n/i18n";
import { ErrorNotice } from "./views";

/** How many rows are shown, the button that reads the next page (nextCursor) when there is one, and its refusal. */
export function MoreButton({ pages, count, hasMore }: { pages: Pick<SearchPages, "loadMore" | "loadingMore" | "moreError">; count: number; hasMore: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <div class="pager">
        <span class="muted" aria-live="polite">
          {t("pager.page", { count })}
        </span>
        {hasMore ? (
          <button type="button" class="button" data-testid="load-more" disabled={pages.loadingMore} onClick={pages.loadMore}>
            {pages.loadingMore ? t("view.loading") : t("action.more")}
          </button>
        ) : null}
      </div>
      {pages.moreError === undefined ? null : <ErrorNotice error={pages.moreError} onRetry={pages.loadMore} />}
    </>
  );
}
