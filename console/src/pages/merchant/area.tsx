import { Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { NotFound } from "../../not-found";
import { InvoicePage } from "./invoice";
import { InvoicesPage } from "./invoices";
import { IssuePage } from "./issue";
import "./merchant.css";
import { QuotaPage } from "./quota";
import { merchantPath } from "./shared";
import { WebhooksPage } from "./webhooks";

/** The merchant's base path alone leads to its start page, the issued invoices. */
function ToInvoices() {
  const { route } = useLocation();
  useEffect(() => route(merchantPath("/invoices"), true), [route]);
  return null;
}

/** The merchant's pages, under its base path (roles.ts). */
export default function MerchantArea() {
  return (
    <Router>
      <Route path="/" component={ToInvoices} />
      <Route path="/invoices" component={InvoicesPage} />
      <Route path="/invoices/:id" component={({ id }: { id: string }) => <InvoicePage id={id} />} />
      <Route path="/issue" component={IssuePage} />
      <Route path="/quota" component={QuotaPage} />
      <Route path="/webhooks" component={WebhooksPage} />
      <Route default component={NotFound} />
    </Router>
  );
}
