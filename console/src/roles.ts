import type { Role } from "./api/session";
import type { MessageKey } from "./i18n/catalogue";
import { bureauNav } from "./pages/bureau/nav";
import { employeeNav } from "./pages/employee/nav";
import { enterpriseNav } from "./pages/enterprise/nav";
import { merchantNav } from "./pages/merchant/nav";

/** One entry of a role's menu: a path under the role's base, and its label. */
export interface NavEntry {
  path: string;
  label: MessageKey;
}

/** Each role's part of the console: where it lives and its menu (the first entry is its start page). */
export const AREAS: Record<Role, { base: string; nav: readonly NavEntry[] }> = {
  bureau: { base: "/console/bureau", nav: bureauNav },
  enterprise: { base: "/console/finance", nav: enterpriseNav },
  individual: { base: "/console/me", nav: employeeNav },
  merchant: { base: "/console/merchant", nav: merchantNav },
};

export const startPageOf = (role: Role) => `${AREAS[role].base}${AREAS[role].nav[0]?.path ?? ""}`;
