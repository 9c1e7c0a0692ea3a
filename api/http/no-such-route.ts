import type { Request } from "express";

import { ApiError } from "../errors";

/** The answer to a path nothing serves: 404 NO_SUCH_ROUTE with the method and the whole path asked for (without its query). */
export function noSuchRoute(req: Request): never {
  const path = req.originalUrl.split("?")[0]!;
  throw new ApiError(404, "NO_SUCH_ROUTE", `no route ${req.method} ${path}`, { method: req.method, path });
}
