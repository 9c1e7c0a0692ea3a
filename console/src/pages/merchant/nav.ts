import type { NavEntry } from "../../roles";

/** The merchant's menu: paths under its base (roles.ts), the first is the start page. */
export const merchantNav: readonly NavEntry[] = [
  { path: "/invoices", label: "merchant.nav.invoices" },
  { path: "/issue", label: "merchant.nav.issue" },
  { path: "/quota", label: "merchant.nav.quota" },
  { path: "/webhooks", label: "merchant.nav.webhooks" },
];
