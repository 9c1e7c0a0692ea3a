import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { EInvoiceApiError } from "../../api/client";
import { newIdempotencyKey } from "../../api/idempotency";
import type { ListedInvoice } from "../../api/search-pages";
import { useSession } from "../../api/session";
import { yuan } from "../../../../api/domain/yuan";
import { AREAS } from "../../roles";

/**
 * What the enterprise's pages share: links, the document's facts, money as text for files, and bulk steps (one SDK call
 * per invoice, each with its own idempotency key kept until the API has answered it).
 */

export const BASE = AREAS.enterprise.base;
export const invoiceHref = (id: string) => `${BASE}/invoices/${id}`;

/** The document's fields the pages show (the API types it as an open record). */
export interface InvoiceItem {
  name: string;
  specification?: string;
  unit?: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  taxRate: number;
  tax: string;
}
export interface DocumentFacts {
  items: InvoiceItem[];
  totals?: { amount: string; tax: string; total: string };
  buyer?: { type: string; name: string | null; taxpayerId?: string };
  seller?: { name: string; taxpayerId: string };
  remarks?: string;
  issuedAt?: string;
}

export function documentFacts(file: { document: Record<string, unknown> } | undefined): DocumentFacts | undefined {
  if (file === undefined) return undefined;
  const document = file.document as Partial<DocumentFacts>;
  return { ...document, items: Array.isArray(document.items) ? document.items : [] } as DocumentFacts;
}

/** The amount before tax: the document's when the enterprise may read it, else total less tax (both from the ledger). */
export const amountOf = (invoice: { total: string; tax: string; document?: { document: Record<string, unknown> } | undefined }): string =>
  documentFacts(invoice.document)?.totals?.amount ?? (BigInt(invoice.total) - BigInt(invoice.tax)).toString();

/** Fields of the index's summary the SDK types loosely (the list answer keeps every field of the summary). */
export const pendingCreditNoteOf = (invoice: ListedInvoice): string | null => (typeof invoice["pendingCreditNote"] === "string" ? invoice["pendingCreditNote"] : null);

// ---- money as text for files ------------------------------------------------------------------------------------

/** Yuan with two decimals and no grouping ("1234.50"), exact from fen: for CSV cells (the API's own yuan()). */
export const plainYuan = (fen: string | bigint): string => yuan(BigInt(fen));

/** One CSV line (RFC 4180 quoting). */
export const csvLine = (cells: readonly (string | number)[]) => cells.map((cell) => (/[",\r\n]/.test(String(cell)) ? `"${String(cell).replace(/"/g, '""')}"` : String(cell))).join(",");

// ---- bulk steps -------------------------------------------------------------------------------------------------

export type StepOutcome = { status: "running" } | { status: "done" } | { status: "refused"; error: EInvoiceApiError };

/** One step of a bulk run: its name (with what its body holds, so that another body gets another key) and its call. */
export interface BulkStep {
  name: string;
  call(client: EInvoiceClient, id: string, idempotencyKey: string): Promise<unknown>;
}

/**
 * Runs one step over many invoices: one SDK call per invoice, a few at a time, each with its own idempotency
 * key. A key is kept while the outcome is unknown (no answer, or the API asked to retry), so that trying again
 * never does a step twice; it is dropped once the API has answered.
 */
export function useBulk() {
  const { client, ended } = useSession();
  const keys = useRef(new Map<string, string>());
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, StepOutcome>>(new Map());
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  const run = useCallback(
    async (ids: readonly string[], step: BulkStep): Promise<Map<string, StepOutcome>> => {
      const results = new Map<string, StepOutcome>();
      const show = (id: string, outcome: StepOutcome) => {
        results.set(id, outcome);
        if (live.current) setOutcomes((previous) => new Map(previous).set(id, outcome));
      };
      setRunning(true);
      setOutcomes(new Map());
      setProgress({ done: 0, total: ids.length });
      let done = 0;
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const slot = `${step.name}:${id}`;
          const key = keys.current.get(slot) ?? newIdempotencyKey(step.name.split(":")[0] ?? "step");
          keys.current.set(slot, key);
          show(id, { status: "running" });
          try {
            await step.call(client, id, key);
            keys.current.delete(slot);
            show(id, { status: "done" });
          } catch (error) {
            if (!(error instanceof EInvoiceApiError)) throw error;
            ended(error);
            if (!error.retryable) keys.current.delete(slot);
            show(id, { status: "refused", error });
          }
          done += 1;
          if (live.current) setProgress({ done, total: ids.length });
        }
      };
      // A few at a time: the API groups concurrent writes into blocks, and the person sees steady progress.
      await Promise.all(Array.from({ length: Math.min(3, ids.length) }, worker));
      if (live.current) setRunning(false);
      return results;
    },
    [client, ended],
  );

  return { run, outcomes, progress, running, clear: () => (setOutcomes(new Map()), setProgress(undefined)) };
}
