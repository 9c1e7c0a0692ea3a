import { Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { NotFound } from "../../not-found";
import { BASE } from "./common";
import { CreditNotes } from "./credit-notes";
import { Employees } from "./employees";
import { Filing } from "./filing";
import { Inbox } from "./inbox";
import { InvoicePage } from "./invoice";
import { Pool } from "./pool";
import { Totals } from "./totals";

/** The area's bare address leads to its start page, the inbox. */
function ToInbox() {
  const { route } = useLocation();
  useEffect(() => route(`${BASE}/inbox`, true), [route]);
  return null;
}

function InvoiceRoute({ id }: { id: string }) {
  return <InvoicePage id={id} />;
}

/** The enterprise's pages, under its base path (roles.ts). */
export default function EnterpriseArea() {
  return (
    <Router>
      <Route path="/" component={ToInbox} />
      <Route path="/inbox" component={Inbox} />
      <Route path="/filing" component={Filing} />
      <Route path="/pool" component={Pool} />
      <Route path="/invoices/:id" component={InvoiceRoute} />
      <Route path="/credit-notes" component={CreditNotes} />
      <Route path="/employees" component={Employees} />
      <Route path="/totals" component={Totals} />
      <Route default component={NotFound} />
    </Router>
  );
}
