import type { ComponentType } from "preact";
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";

import { SessionProvider, useSession, type Role } from "./api/session";
import { I18nProvider, useI18n } from "./i18n/i18n";
import { Layout } from "./layout";
import { NotFound } from "./not-found";
import { AREAS, startPageOf } from "./roles";
import { SignIn } from "./sign-in";
import { Loading } from "./ui/views";

/** Each role's pages are their own chunk: an employee on a phone never downloads the bureau's charts. */
const AREA_PAGES: Record<Role, ComponentType> = {
  bureau: lazy(() => import("./pages/bureau/area")),
  enterprise: lazy(() => import("./pages/enterprise/area")),
  individual: lazy(() => import("./pages/employee/area")),
  merchant: lazy(() => import("./pages/merchant/area")),
};

/** /console and any page of another role's part lead to the signed-in role's start page. */
function ToStart({ role }: { role: Role }) {
  const { route } = useLocation();
  useEffect(() => route(startPageOf(role), true), [role, route]);
  return null;
}

function SignedInApp({ role }: { role: Role }) {
  const area = AREAS[role];
  const Pages = AREA_PAGES[role];
  return (
    <Layout>
      <ErrorBoundary>
        <Router>
          <Route path={`${area.base}/*`} component={Pages} />
          <Route path="/console" component={() => <ToStart role={role} />} />
          <Route path="/console/" component={() => <ToStart role={role} />} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </Layout>
  );
}

function Gate() {
  const { state } = useSession();
  const { t } = useI18n();
  if (state.status === "checking") {
    return (
      <main id="main" class="sign-in">
        <Loading />
        <span class="visually-hidden">{t("signIn.checking")}</span>
      </main>
    );
  }
  if (state.status === "signed-out") return <SignIn />;
  return <SignedInApp role={state.party.role} />;
}

export function App() {
  return (
    <I18nProvider>
      <LocationProvider>
        <SessionProvider>
          <Gate />
        </SessionProvider>
      </LocationProvider>
    </I18nProvider>
  );
}
