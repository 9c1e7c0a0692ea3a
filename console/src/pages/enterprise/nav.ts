import type { NavEntry } from "../../roles";

/** The enterprise's menu: paths under its base (roles.ts), the first is the start page. */
export const enterpriseNav: readonly NavEntry[] = [
  { path: "/inbox", label: "enterprise.nav.inbox" },
  { path: "/filing", label: "enterprise.nav.filing" },
  { path: "/pool", label: "enterprise.nav.pool" },
  { path: "/credit-notes", label: "enterprise.nav.creditNotes" },
  { path: "/employees", label: "enterprise.nav.employees" },
  { path: "/totals", label: "enterprise.nav.totals" },
];
