import type { ProvableDocumentFile } from "./proof-bundle";
import { checkCodeOf, commitmentOf, sealOf } from "../../api/domain/commitment";
import type { KindedRecord } from "./ledger-records";

/**
 * Whether a document file is the document whose seal the proven record holds: the seal recomputed from the
 * document, its salt and its claim key address (api/domain/commitment.ts, as the contract computes it), and
 * the number, amounts and check code printed on it against the ledger's. Returns what disagrees, or undefined.
 */
export function documentMismatch(file: ProvableDocumentFile, proven: KindedRecord): string | undefined {
  const { record } = proven;
  if (file.document.kind !== proven.kind) return `the document is a ${file.document.kind}, the bundle proves a ${proven.kind}`;
  if (file.id.toLowerCase() !== proven.id.toLowerCase()) return "the document file is of another id";
  let seal: string;
  try {
    seal = sealOf(commitmentOf(file.salt, file.document), file.claimKeyAddress.toLowerCase()).toLowerCase();
  } catch {
    return "the document has no canonical JSON form";
  }
  if (seal !== record.seal.toLowerCase()) return "the document, its salt or its claim key is not what the ledger's seal commits to";
  if (file.number !== record.number) return `the document file says number ${file.number}, the ledger ${record.number}`;
  if (file.document.totals.total !== record.total || file.document.totals.tax !== record.tax) return "the document's total or tax is not the ledger's";
  if (file.checkCode !== checkCodeOf(seal)) return "the check code is not the one the seal gives";
  if (proven.kind === "credit-note" && file.document.kind === "credit-note") {
    const { original } = file.document;
    if (original.id.toLowerCase() !== proven.record.invoice.id.toLowerCase() || original.number !== proven.record.invoice.number) {
      return "the credit note names another original invoice than the ledger's";
    }
  }
  return undefined;
}
