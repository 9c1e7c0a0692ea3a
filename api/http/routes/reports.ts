import { z } from "zod";

import { anomaliesQuery, anomaliesView, groupedTotalsView, refusalsQuery, refusedAttemptView, seriesQuery, seriesView, settlementsQuery, settlementsView, totalsQuery } from "../schemas/reports";
import { reportExamples } from "../schemas/report-examples";
import { totalsView } from "../schemas/views";
import { defineRoute, errorBody, type RouteKit } from "../route";

/** The bureau's reports: totals (a merchant sees its own), a series by day, anomalies and the audit of refused attempts; an enterprise's settlements of a period. */
export function reportRoutes(kit: RouteKit): void {
  const { reports, audit } = kit.ctx.services;

  defineRoute(kit, {
    method: "get",
    path: "/v1/reports/totals",
    operationId: "getTotals",
    summary: "Issued and reversed totals per merchant and tax period, or grouped by merchant, buyer, period, state and tax rate",
    tag: "reports",
    access: ["bureau", "merchant"],
    query: totalsQuery,
    responses: {
      200: {
        description:
          "Without groupBy: `{ totals: PeriodTotals[] }` per merchant and tax period (reversals in the period they were made), as always. With groupBy: `{ groupBy, totals: GroupedTotals[], truncated }`, each invoice in its period of issue and its state now, with its reversals; by tax rate each invoice is split into its line items. Money is fen as digit strings.",
        schema: z.object({
          groupBy: z.array(z.string()).optional().meta({ description: "The dimensions, as asked (only with groupBy)" }),
          totals: z.array(z.union([totalsView, groupedTotalsView])),
          truncated: z.boolean().optional().meta({ description: "More groups than `limit` (only with groupBy)" }),
        }),
      },
      404: { description: "NOT_FOUND: a merchant asked for another merchant's totals", schema: errorBody },
    },
    examples: reportExamples.totals,
    async handle({ party, query }) {
      return { status: 200, body: await reports.totals(party!, query) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/reports/series",
    operationId: "getSeries",
    summary: "Invoices issued and their totals per day (China Standard Time), for charts",
    tag: "reports",
    access: ["bureau", "merchant"],
    query: seriesQuery,
    responses: {
      200: { description: "Every day from `from` to `to` (at most 367), days without invoices as zeros; money in fen as digit strings", schema: seriesView },
      404: { description: "NOT_FOUND: a merchant asked for another merchant's series", schema: errorBody },
    },
    examples: reportExamples.series,
    async handle({ party, query }) {
      return { status: 200, body: await reports.series(party!, query) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/reports/settlements",
    operationId: "getSettlements",
    summary: "What the enterprise reimbursed and filed in a tax period: totals and the invoices, page by page (enterprise)",
    tag: "reports",
    access: ["enterprise"],
    query: settlementsQuery,
    responses: {
      200: {
        description:
          "`totals.reimbursed`: the invoices you reimbursed in the period (the time of the reimbursement, China Standard Time); `totals.filed`: those you filed into the period. Count, amount (without tax), tax and total of the whole period, in fen as digit strings, at the amounts issued: an invoice reversed later still counts where it was reimbursed or filed. `rows`: a page of those invoices, the reimbursed ones by number, then the filed ones by number; `nextCursor` continues.",
        schema: settlementsView,
      },
    },
    examples: reportExamples.settlements,
    async handle({ party, query }) {
      return { status: 200, body: await reports.settlements(party!, query) };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/reports/anomalies",
    operationId: "getAnomalies",
    summary: "What the bureau should look at: repeated reimbursement attempts, invoices locked too long, high reversal ratios, quotas nearly used up (bureau)",
    tag: "reports",
    access: ["bureau"],
    query: anomaliesQuery,
    responses: {
      200: {
        description:
          "Each kind of anomaly with the invoices and accounts involved: `repeatedAttempts` (refused submissions and reimbursements of one invoice, from the audit; several enterprises first), `lockedTooLong`, `highReversalRatio` (all periods), `quotasNearlyUsed` (read from the ledger for each merchant that issued in the period or was refused for its quota)",
        schema: anomaliesView,
      },
    },
    examples: reportExamples.anomalies,
    async handle({ party, query }) {
      return {
        status: 200,
        body: await reports.anomalies(party!, {
          lockedDays: query.lockedDays,
          reversalBasisPoints: query.reversalRatio,
          minIssued: query.minIssued,
          quotaBasisPoints: query.quotaRatio,
          period: query.period,
          minAttempts: query.minAttempts,
          limit: query.limit,
        }),
      };
    },
  });

  defineRoute(kit, {
    method: "get",
    path: "/v1/reports/refusals",
    operationId: "listRefusals",
    summary: "The audit of refused lifecycle attempts: who tried which action on which invoice, when, and the code (bureau)",
    tag: "reports",
    access: ["bureau"],
    query: refusalsQuery,
    responses: {
      200: {
        description: "Refused attempts, oldest first: every 4xx of a lifecycle route (issue, claim, transfer, submit, reject, reimburse, file, reverse, confirm/cancel/settle a credit note, freeze, unfreeze, release, reassign) to an authenticated party, except 429. Never the request's body.",
        schema: z.object({ refusals: z.array(refusedAttemptView) }),
      },
    },
    examples: reportExamples.refusals,
    async handle({ party, query }) {
      return { status: 200, body: { refusals: await audit.list(party!, { invoiceId: query.invoice, account: query.account, action: query.action, code: query.code, after: query.after, limit: query.limit }) } };
    },
  });
}
