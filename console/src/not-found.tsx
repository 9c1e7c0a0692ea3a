import { useSession } from "./api/session";
import { useI18n } from "./i18n/i18n";
import { startPageOf } from "./roles";
import { Page } from "./ui/page";

export function NotFound() {
  const { t } = useI18n();
  const { state } = useSession();
  return (
    <Page title={t("app.notFound")}>
      {state.status === "signed-in" ? <a href={startPageOf(state.party.role)}>{t("app.home")}</a> : null}
    </Page>
  );
}
