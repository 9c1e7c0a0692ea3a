import type { NavEntry } from "../../roles";

/** The bureau's menu: paths under its base (roles.ts), the first is the start page. */
export const bureauNav: readonly NavEntry[] = [
  { path: "/search", label: "bureau.nav.search" },
  { path: "/dashboard", label: "bureau.nav.dashboard" },
  { path: "/anomalies", label: "bureau.nav.anomalies" },
  { path: "/participants", label: "bureau.nav.participants" },
  { path: "/quotas", label: "bureau.nav.quotas" },
];
