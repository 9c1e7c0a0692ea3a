import { existsSync } from "node:fs";
import { join } from "node:path";

import express, { type Express } from "express";

import { fontPaths } from "../documents/pdf/fonts";
import { ApiError } from "../errors";
import { noSuchRoute } from "./no-such-route";

/**
 * The web console at /console: its hashed assets cached for good, and every other path under /console answered
 * with its one page (the console routes in the browser), never cached so that a new build is picked up. A
 * console that was not built answers 503 CONSOLE_NOT_BUILT (the API itself works without it).
 */
export function mountConsole(app: Express, dir: string): void {
  const page = join(dir, "index.html");
  // The console's last-resort font for Chinese (Noto Sans SC from npm, as the PDFs and the verification page use):
  // its stylesheet names it after every system CJK font, for CJK characters only, so a browser fetches a file only
  // on a machine with no Chinese font at all (a bare Linux desktop, a kiosk).
  const fonts = fontPaths();
  for (const [weight, file] of [["400", fonts.regular], ["700", fonts.bold]] as const) {
    app.get(`/console/fonts/noto-sans-sc-${weight}.ttf`, (_req, res) => {
      res.type("font/ttf").set("cache-control", "public, max-age=604800, immutable").sendFile(file);
    });
  }
  app.use(
    "/console/assets",
    express.static(join(dir, "assets"), { index: false, immutable: true, maxAge: "365d", fallthrough: true }),
    // A missing asset is no page: it must not fall through to the console's page below.
    noSuchRoute,
  );
  app.get(["/console", "/console/{*rest}"], (_req, res) => {
    if (!existsSync(page)) throw new ApiError(503, "CONSOLE_NOT_BUILT", "the web console has not been built: run `npm run build`");
    res.set("cache-control", "no-store").sendFile(page);
  });
}
