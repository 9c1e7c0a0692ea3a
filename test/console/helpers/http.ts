import { invoiceBody } from "../../../scripts/lib/demo-data";
import type { DemoParty } from "../../../scripts/seed/demo-keys";

/** An answer of the API as a party's own systems read it: the status and the JSON body. */
export interface ApiAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The API as a party's own systems see it (the page is not asked): plain HTTP with its API key. */
export async function callApi(url: string, party: Pick<DemoParty, "apiKey">, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${party.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

/** An enterprise of the demo as the buyer an invoice is titled to. */
export const buyerOf = (enterprise: DemoParty) => ({ type: "organisation" as const, name: enterprise.name, taxpayerId: enterprise.taxpayerId! });

/**
 * A fresh invoice from a merchant of the demo to an enterprise, through the API with the merchant's key, as a
 * till would: the API's answer (201 with the invoice and its claim code), for the test to check.
 */
export function issueInvoice(url: string, merchant: DemoParty, enterprise: DemoParty, reference: string, line: Parameters<typeof invoiceBody>[2] = {}): Promise<ApiAnswer> {
  return callApi(url, merchant, "POST", "/v1/invoices", invoiceBody(reference, buyerOf(enterprise), line));
}
