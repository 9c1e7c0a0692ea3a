import { useI18n } from "../../i18n/i18n";

/** How many rows are shown, and the button that reads the next page (nextCursor) when there is one. */
export function MoreButton({ hasMore, loading, onMore, count }: { hasMore: boolean; loading: boolean; onMore(): void; count: number }) {
  const { t } = useI18n();
  return (
    <div class="ent-pager">
      <span class="ent-muted">{t("pager.page", { count })}</span>
      {hasMore ? (
        <button type="button" class="button" disabled={loading} onClick={onMore}>
          {loading ? t("view.loading") : t("action.more")}
        </button>
      ) : null}
    </div>
  );
}
