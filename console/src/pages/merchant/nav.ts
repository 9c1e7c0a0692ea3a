import type { NavEntry } from "../../roles";

/** The merchant's menu: paths under its base (roles.ts), the first is the start page. */
export const merchantNav: readonly NavEntry[] = [{ path: "/", label: "merchant.title" }];
