import { existsSync } from "node:fs";
import { join } from "node:path";

import express, { type Express } from "express";

import { ApiError } from "../errors";

/**
 * The web console at /console: its hashed assets cached for good, and every other path under /console answered
 * with its one page (the console routes in the browser), never cached so that a new build is picked up. A
 * console that was not built answers 503 CONSOLE_NOT_BUILT (the API itself works without it).
 */
export function mountConsole(app: Express, dir: string): void {
  const page = join(dir, "index.html");
  app.use(
    "/console/assets",
    express.static(join(dir, "assets"), { index: false, immutable: true, maxAge: "365d", fallthrough: true }),
    (req) => {
      throw new ApiError(404, "NO_SUCH_ROUTE", `no route ${req.method} ${req.originalUrl}`, { method: req.method, path: req.originalUrl });
    },
  );
  app.get(["/console", "/console/{*rest}"], (_req, res) => {
    if (!existsSync(page)) throw new ApiError(503, "CONSOLE_NOT_BUILT", "the web console has not been built: run `npm run build`");
    res.set("cache-control", "no-store").sendFile(page);
  });
}
