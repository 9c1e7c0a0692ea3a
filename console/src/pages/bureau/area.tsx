import { lazy, Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { NotFound } from "../../not-found";
import { AnomaliesPage } from "./anomalies";
import { BUREAU_BASE } from "./common";
import { InvoicePage } from "./invoice";
import { ParticipantsPage } from "./participants";
import { QuotasPage } from "./quotas";
import { SearchPage } from "./search";
import "./bureau.css";

/**
 * The statistics page is a chunk of its own: it alone draws charts (ECharts is most of the bureau's code), so the
 * search desk, where the bureau starts, loads without it.
 */
const DashboardPage = lazy(() => import("./dashboard").then((module) => module.DashboardPage));

/** The area's own root (/console/bureau) leads to its start page, the search desk. */
function ToSearch() {
  const { route } = useLocation();
  useEffect(() => route(`${BUREAU_BASE}/search`, true), [route]);
  return null;
}

/** The bureau's pages, under its base path (roles.ts). */
export default function BureauArea() {
  return (
    <div class="bureau-area">
      <Router>
        <Route path="/" component={ToSearch} />
        <Route path="/search" component={SearchPage} />
        <Route path="/invoices/:id" component={InvoicePage} />
        <Route path="/dashboard" component={DashboardPage} />
        <Route path="/anomalies" component={AnomaliesPage} />
        <Route path="/participants" component={ParticipantsPage} />
        <Route path="/quotas" component={QuotasPage} />
        <Route default component={NotFound} />
      </Router>
    </div>
  );
}
