import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_INVOICE, exampleError, exampleInvoice } from "./example-cast";

/** Claim by scan (routes/claims.ts), in the story of example-cast.ts: 张三 scans the QR code on his copy. */
export const claimExamples = {
  scan: {
    summary: "张三 scans the QR code of the buyer's copy: its number, check code and (from the address's fragment) claim code",
    as: "individual",
    body: { number: EXAMPLE_INVOICE.printedNumber, checkCode: EXAMPLE_INVOICE.checkCode, claimCode: EXAMPLE_INVOICE.claimCode },
    status: 200,
    response: exampleInvoice({ holder: EXAMPLE_CAST.employee.account }),
  },
  "already-claimed": {
    summary: "The QR code of an invoice that 李四 has claimed already",
    as: "individual",
    body: { number: EXAMPLE_INVOICE.printedNumber, checkCode: EXAMPLE_INVOICE.checkCode, claimCode: EXAMPLE_INVOICE.claimCode },
    status: 409,
    response: exampleError("ALREADY_CLAIMED", { reason: "InvoiceLedgerAlreadyClaimed", id: EXAMPLE_INVOICE.id, holder: EXAMPLE_CAST.colleague.account }),
  },
  "wrong-check-code": {
    summary: "A check code that is not the invoice's: nothing is claimed, and the answer says no more than for an unknown number",
    as: "individual",
    body: { number: EXAMPLE_INVOICE.printedNumber, checkCode: "00000000000000000001", claimCode: EXAMPLE_INVOICE.claimCode },
    status: 404,
    response: exampleError("NOT_FOUND"),
  },
} satisfies Record<string, RouteExample>;
