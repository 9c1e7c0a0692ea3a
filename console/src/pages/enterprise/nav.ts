import type { NavEntry } from "../../roles";

/** The enterprise's menu: paths under its base (roles.ts), the first is the start page. */
export const enterpriseNav: readonly NavEntry[] = [{ path: "/", label: "enterprise.title" }];
