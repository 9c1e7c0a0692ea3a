import { z } from "zod";

import { address, period } from "../schemas/common";
import { totalsView } from "../schemas/views";
import { defineRoute, type RouteKit } from "../route";

/** The bureau's totals per merchant and tax period (a merchant sees its own). */
export function reportRoutes(kit: RouteKit): void {
  defineRoute(kit, {
    method: "get",
    path: "/v1/reports/totals",
    summary: "Issued and reversed totals per merchant and tax period",
    tag: "reports",
    access: ["bureau", "merchant"],
    query: z.strictObject({ merchant: address.optional(), period: period.optional() }),
    responses: { 200: { description: "Totals (fen)", schema: z.object({ totals: z.array(totalsView) }) } },
    async handle({ party, query }) {
      return { status: 200, body: { totals: await kit.ctx.services.reports.totals(party!, query) } };
    },
  });
}
