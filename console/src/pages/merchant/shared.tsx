import { useState } from "preact/hooks";

import { catalogueOf } from "../../../../api/i18n/localize";
import type { components } from "../../../../sdk/src/generated/openapi";
import type { EInvoiceApiError } from "../../api/client";
import { saveFile } from "../../api/download";
import { useAction } from "../../api/use-resource";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { AREAS } from "../../roles";
import { ErrorNotice } from "../../ui/views";

/** What the merchant's pages read and send, as the SDK's generated types name them. */
export type Invoice = components["schemas"]["Invoice"];
export type InvoiceListItem = components["schemas"]["InvoiceListItem"];
export type CreditNote = components["schemas"]["CreditNote"];
export type LedgerEvent = components["schemas"]["Event"];
export type IssueBody = components["schemas"]["IssueInvoice"];
export type ReversalReason = components["schemas"]["Reversal"]["reason"];
export type WebhookEventType = components["schemas"]["WebhookEventType"];

/** Where the merchant's pages live (roles.ts). */
export const merchantPath = (path: string) => `${AREAS.merchant.base}${path}`;

/**
 * The reasons the API takes for a credit note, in its order (api/domain/invoice-document.ts REVERSAL_REASONS).
 * The compiler checks the list against the API's type both ways: a reason added there fails here.
 */
export const REVERSAL_REASONS = ["issue-error", "sales-return", "service-stopped", "discount"] as const satisfies readonly ReversalReason[];
type MissingReason = Exclude<ReversalReason, (typeof REVERSAL_REASONS)[number]>;
const everyReason: [MissingReason] extends [never] ? true : MissingReason = true;
void everyReason;

export const reasonLabel = (reason: string): MessageKey => ((REVERSAL_REASONS as readonly string[]).includes(reason) ? (`merchant.reason.${reason}` as MessageKey) : "merchant.reason.other");

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

/** This month as a tax period (YYYYMM), in China Standard Time as tax periods are. */
export function currentPeriod(now = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" }).formatToParts(now);
  const year = parts.find((p) => p.type === "year")?.value ?? "1970";
  const month = parts.find((p) => p.type === "month")?.value ?? "01";
  return `${year}${month}`;
}

/** A fresh Idempotency-Key. */
export const newIdempotencyKey = () => crypto.randomUUID();

/**
 * A VALIDATION_FAILED refusal's issues by field path (`items.0.unitPrice`, `buyer.taxpayerId`), each worded in
 * the page's language by the API's own catalogue (api/i18n: the same words its answers use). Empty for any other
 * refusal.
 */
export function useFieldIssues(error: EInvoiceApiError | undefined): { byPath: ReadonlyMap<string, string>; unplaced(known: (path: string) => boolean): string[] } {
  const { language } = useI18n();
  const byPath = new Map<string, string>();
  if (error?.code === "VALIDATION_FAILED" && Array.isArray(error.details.issues)) {
    const catalogue = catalogueOf(language);
    for (const raw of error.details.issues as unknown[]) {
      if (typeof raw !== "object" || raw === null) continue;
      const issue = raw as Parameters<typeof catalogue.issue>[0];
      if (typeof issue.path !== "string" || typeof issue.message !== "string") continue;
      const text = catalogue.issue(issue);
      byPath.set(issue.path, byPath.has(issue.path) ? `${byPath.get(issue.path)!}；${text}` : text);
    }
  }
  return { byPath, unplaced: (known) => [...byPath.entries()].filter(([path]) => !known(path)).map(([path, text]) => (path === "" ? text : `${path}: ${text}`)) };
}

/** A PDF download button (invoice or red credit note): the bytes through the SDK, saved as a file; a refusal beside it. */
export function PdfButton({ kind, id, number, label }: { kind: "invoice" | "creditNote"; id: string; number: string; label?: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  const download = useAction((client) => (kind === "invoice" ? client.getInvoicePdf({ params: { id } }) : client.getCreditNotePdf({ params: { id } })));
  return (
    <span class="merchant-pdf">
      <button
        type="button"
        class="button button-small"
        disabled={download.busy}
        data-testid={`pdf-${id}`}
        onClick={async () => {
          setDone(false);
          const bytes = await download.run();
          if (bytes === undefined) return;
          saveFile(bytes, `${kind === "invoice" ? "invoice" : "credit-note"}-${number}.pdf`, "application/pdf");
          setDone(true);
        }}
      >
        {download.busy ? t("merchant.pdf.working") : (label ?? t("merchant.pdf.download"))}
      </button>
      {done ? (
        <span class="visually-hidden" role="status">
          {t("merchant.pdf.saved")}
        </span>
      ) : null}
      {download.error === undefined ? null : <ErrorNotice error={download.error} />}
    </span>
  );
}

/** The 20 digits printed on an invoice when it has them, else the ledger's number. */
export const shownNumber = (invoice: { number: string; printedNumber?: string | null }) => invoice.printedNumber ?? invoice.number;

/**
 * A form's refusal: the API's own notice, except for a VALIDATION_FAILED whose every issue is shown next to its
 * field, where a short alert points to them (and lists any issue no field of the form shows).
 */
export function FormRefusal({ error, unplaced }: { error: EInvoiceApiError | undefined; unplaced: string[] }) {
  const { t } = useI18n();
  if (error === undefined) return null;
  if (error.code !== "VALIDATION_FAILED") return <ErrorNotice error={error} />;
  return (
    <div class="notice notice-error" role="alert" data-code={error.code}>
      <p class="notice-title">{t("merchant.form.fix")}</p>
      {unplaced.length === 0 ? null : (
        <ul class="merchant-issues">
          {unplaced.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      <p class="notice-meta">
        <code>{t("view.errorCode", { code: error.code })}</code>
        {error.requestId === undefined ? null : <span> · {t("view.requestId", { id: error.requestId })}</span>}
      </p>
    </div>
  );
}
