import type { NavEntry } from "../../roles";

/** The employee's menu: paths under its base (roles.ts), the first is the start page. */
export const employeeNav: readonly NavEntry[] = [
  { path: "/folder", label: "employee.nav.folder" },
  { path: "/claim", label: "employee.nav.claim" },
];
