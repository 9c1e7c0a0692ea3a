import type { NavEntry } from "../../roles";

/** The employee's menu: paths under its base (roles.ts), the first is the start page. */
export const employeeNav: readonly NavEntry[] = [{ path: "/", label: "employee.title" }];
