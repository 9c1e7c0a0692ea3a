import type { NavEntry } from "../../roles";

/** The bureau's menu: paths under its base (roles.ts), the first is the start page. */
export const bureauNav: readonly NavEntry[] = [{ path: "/", label: "bureau.title" }];
