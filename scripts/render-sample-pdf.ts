import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { renderInvoicePdf } from "../api/documents/pdf/render-invoice-pdf";
import type { PrintableDocument } from "../api/documents/printable-document";
import { SAMPLE_CREDIT_NOTE, SAMPLE_INVOICE } from "./lib/sample-documents";

/**
 * Renders a sample invoice and a red-letter credit note against it, and page 1 of each as a PNG (pdftoppm,
 * 150 dpi), to look at the layout without a running system:
 *
 *   node -r ts-node/register/transpile-only scripts/render-sample-pdf.ts /tmp/pdf-samples
 *
 * Writes invoice-sample.pdf/.png and credit-note-sample.pdf/.png into the directory given. The figures are
 * consistent (amount = quantity x unit price, tax half-up to the fen, totals the sums), as the API would issue.
 */
/** What the PDF of a real invoice carries attached (here only placeholders: the layout is what this shows). */
const SAMPLE_ATTACHMENTS: NonNullable<PrintableDocument["attachments"]> = [
  { name: "invoice.xml", content: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>\n'), mimeType: "application/xml", description: "UBL 2.1 / EN 16931", relationship: "Alternative" },
  { name: "proof.json", content: Buffer.from('{"sample":true}\n'), mimeType: "application/json", description: "离线验证证明 (EIP-1186)", relationship: "Supplement" },
];

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? "pdf-samples");
  mkdirSync(out, { recursive: true });
  for (const [name, document] of [
    ["invoice-sample", { ...SAMPLE_INVOICE, attachments: SAMPLE_ATTACHMENTS }],
    ["credit-note-sample", SAMPLE_CREDIT_NOTE],
  ] as const) {
    const pdf = join(out, `${name}.pdf`);
    writeFileSync(pdf, await renderInvoicePdf(document));
    execFileSync("pdftoppm", ["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, join(out, name)]);
    process.stdout.write(`${pdf}\n${join(out, `${name}.png`)}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
