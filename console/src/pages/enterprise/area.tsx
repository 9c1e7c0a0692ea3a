import { Route, Router } from "preact-iso";

import { useI18n } from "../../i18n/i18n";
import { NotFound } from "../../not-found";
import { Page } from "../../ui/page";

function Home() {
  const { t } = useI18n();
  return <Page title={t("enterprise.title")}>{null}</Page>;
}

/** The enterprise's pages, under its base path (roles.ts). */
export default function EnterpriseArea() {
  return (
    <Router>
      <Route path="/" component={Home} />
      <Route default component={NotFound} />
    </Router>
  );
}
