import type { components } from "../../../../sdk/src/generated/openapi";
import { AREAS } from "../../roles";

/** What the merchant's pages read and send, as the SDK's generated types name them. */
export type Invoice = components["schemas"]["Invoice"];
export type InvoiceListItem = components["schemas"]["InvoiceListItem"];
export type CreditNote = components["schemas"]["CreditNote"];
export type IssueBody = components["schemas"]["IssueInvoice"];
export type WebhookEventType = components["schemas"]["WebhookEventType"];

/** Where the merchant's pages live (roles.ts). */
export const merchantPath = (path: string) => `${AREAS.merchant.base}${path}`;

/** The document of an invoice as the API serves it to its seller (api/domain/invoice-document.ts InvoiceDocument). */
export interface InvoiceDocumentView {
  reference?: string;
  issuedAt?: string;
  seller?: { name: string; taxpayerId: string };
  buyer?: { type: "organisation" | "individual"; name: string | null; taxpayerId?: string; erased?: boolean };
  items?: { name: string; specification?: string; unit?: string; quantity: string; unitPrice: string; amount: string; taxRate: number; tax: string }[];
  totals?: { amount: string; tax: string; total: string };
  remarks?: string;
}

export const documentOf = (file: { document: Record<string, unknown> } | undefined): InvoiceDocumentView | undefined => file?.document as InvoiceDocumentView | undefined;
