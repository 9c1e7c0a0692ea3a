import { Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { NotFound } from "../../not-found";
import { ClaimPage } from "./claim";
import { Folder } from "./folder";
import { InvoicePage } from "./invoice";
import { MeProvider } from "./me";
import { employeePath } from "./paths";

/** The area's own address (/console/me) leads to the folder. */
function ToFolder() {
  const { route } = useLocation();
  useEffect(() => route(employeePath("/folder"), true), [route]);
  return null;
}

/** The employee's pages (我的发票), under its base path (roles.ts); mostly used on a phone. */
export default function EmployeeArea() {
  return (
    <MeProvider>
      <Router>
        <Route path="/" component={ToFolder} />
        <Route path="/folder" component={Folder} />
        <Route path="/claim" component={ClaimPage} />
        <Route path="/invoices/:id" component={InvoicePage} />
        <Route default component={NotFound} />
      </Router>
    </MeProvider>
  );
}
