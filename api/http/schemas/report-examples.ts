import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_INVOICE, EXAMPLE_PERIOD, exampleError } from "./example-cast";

/** The examples of the reports (routes/reports.ts), in the story of example-cast.ts. */
const { merchant, enterprise, employee, otherMerchant } = EXAMPLE_CAST;
const period = String(EXAMPLE_PERIOD);

export const reportExamples = {
  totals: {
    "per-merchant-and-period": {
      summary: "The bureau's totals of a period, per merchant",
      as: "bureau",
      query: { period },
      status: 200,
      response: { totals: [{ merchant: merchant.account, period: EXAMPLE_PERIOD, invoices: 3, total: "44874", tax: "3474", reversedTotal: "1060", reversedTax: "60" }] },
    },
    "by-tax-rate": {
      summary: "The restaurant's own totals by tax rate (each invoice split into its line items)",
      as: "merchant",
      query: { merchant: merchant.account, groupBy: "taxRate" },
      status: 200,
      response: {
        groupBy: ["taxRate"],
        totals: [
          { taxRate: 6, invoices: 2, amount: "26400", tax: "1584", total: "27984" },
          { taxRate: 9, invoices: 1, amount: "1500", tax: "135", total: "1635" },
          { taxRate: 13, invoices: 1, amount: "13500", tax: "1755", total: "15255" },
        ],
        truncated: false,
      },
    },
    "another-merchant": {
      summary: "A merchant asking for another merchant's totals",
      as: "merchant",
      query: { merchant: otherMerchant.account },
      status: 404,
      response: exampleError("NOT_FOUND"),
    },
  },
  series: {
    month: {
      summary: "The restaurant's invoices per day (China Standard Time), days without invoices as zeros",
      as: "merchant",
      query: { from: "2026-11-24", to: "2026-11-25", merchant: merchant.account },
      status: 200,
      response: {
        from: "2026-11-24",
        to: "2026-11-25",
        merchant: merchant.account,
        days: [
          { day: "2026-11-24", invoices: 0, amount: "0", tax: "0", total: "0" },
          { day: "2026-11-25", invoices: 3, amount: "41400", tax: "3474", total: "44874" },
        ],
      },
    },
  },
  settlements: {
    month: {
      summary: "The company's reimbursements and filings of a tax period, first page",
      as: "enterprise",
      query: { period, limit: "50" },
      status: 200,
      response: {
        period: EXAMPLE_PERIOD,
        enterprise: enterprise.account,
        totals: {
          reimbursed: { count: 1, amount: EXAMPLE_INVOICE.totals.amount, tax: EXAMPLE_INVOICE.totals.tax, total: EXAMPLE_INVOICE.totals.total },
          filed: { count: 0, amount: "0", tax: "0", total: "0" },
        },
        rows: [
          {
            kind: "reimbursed",
            id: EXAMPLE_INVOICE.id,
            number: EXAMPLE_INVOICE.number,
            printedNumber: EXAMPLE_INVOICE.printedNumber,
            issuedAt: EXAMPLE_INVOICE.issuedAt,
            seller: { account: merchant.account, name: merchant.name },
            holder: { account: employee.account, name: employee.name },
            total: EXAMPLE_INVOICE.totals.total,
            tax: EXAMPLE_INVOICE.totals.tax,
            at: "2026-11-25T06:30:41.000Z",
            filedPeriod: null,
          },
        ],
        hasMore: false,
        nextCursor: null,
      },
    },
    "not-a-period": {
      summary: "A month that is not a tax period",
      as: "enterprise",
      query: { period: "202613" },
      status: 400,
      response: exampleError("VALIDATION_FAILED", { issues: [{ in: "query", path: "period", message: "a tax period is YYYYMM from 197001 to 999912, e.g. 202611" }] }),
    },
  },
  anomalies: {
    "locked-a-week": {
      summary: "The bureau's anomalies, with invoices locked for a week and quotas used at 80 %",
      as: "bureau",
      query: { lockedDays: "7", quotaRatio: "0.8", period },
      status: 200,
      response: {
        generatedAt: "2026-11-25T10:00:00.000Z",
        repeatedAttempts: [],
        lockedTooLong: [],
        highReversalRatio: [],
        quotasNearlyUsed: [{ merchant: merchant.account, period: EXAMPLE_PERIOD, granted: "50000", used: "44874", ratio: "0.8975", refusals: 0 }],
      },
    },
  },
  refusals: {
    "refused-submissions": {
      summary: "The bureau reads the refused submissions of one invoice",
      as: "bureau",
      query: { invoice: EXAMPLE_INVOICE.id, action: "submit" },
      status: 200,
      response: {
        refusals: [
          {
            id: "17",
            at: "2026-11-25T06:02:11.000Z",
            account: employee.account,
            role: "individual",
            action: "submit",
            invoiceId: EXAMPLE_INVOICE.id,
            invoiceNumber: EXAMPLE_INVOICE.number,
            creditNoteId: null,
            status: 409,
            code: "INVALID_STATE",
          },
        ],
      },
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
