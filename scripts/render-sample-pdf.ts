import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { renderInvoicePdf } from "../api/documents/pdf/render-invoice-pdf";
import type { PrintableDocument } from "../api/documents/printable-document";

/**
 * Renders a sample invoice and a red-letter credit note against it, and page 1 of each as a PNG (pdftoppm,
 * 150 dpi), to look at the layout without a running system:
 *
 *   node -r ts-node/register/transpile-only scripts/render-sample-pdf.ts /tmp/pdf-samples
 *
 * Writes invoice-sample.pdf/.png and credit-note-sample.pdf/.png into the directory given. The figures are
 * consistent (amount = quantity x unit price, tax half-up to the fen, totals the sums), as the API would issue.
 */
const SELLER = { name: "深圳市前海链票科技有限公司", taxpayerId: "91440300MA5G2K7L0Y" };

export const SAMPLE_INVOICE: PrintableDocument = {
  kind: "invoice",
  printedNumber: "26440000000000000042",
  issuedAt: "2026-11-26T02:30:00.000Z",
  checkCode: "40172963581120486735",
  seller: SELLER,
  buyer: { type: "organisation", name: "广州市天河区云帆信息技术有限公司", taxpayerId: "91440106MA9Y3RB6XD" },
  lines: [
    { name: "*信息技术服务*软件开发服务", specification: "V2.1", unit: "项", quantity: "1", unitPrice: "1200000", amount: "1200000", taxRate: 6, tax: "72000" },
    { name: "*计算机外部设备*无线鼠标", specification: "M330 黑色", unit: "个", quantity: "12", unitPrice: "8850", amount: "106200", taxRate: 13, tax: "13806" },
    { name: "*纸制品*A4复印纸", specification: "70g 500张/包", unit: "包", quantity: "2.5", unitPrice: "2390", amount: "5975", taxRate: 13, tax: "777" },
    { name: "*餐饮服务*工作餐", unit: "次", quantity: "3", unitPrice: "4500", amount: "13500", taxRate: 6, tax: "810" },
    { name: "*运输服务*国内货物运输服务", specification: "深圳—广州", unit: "次", quantity: "1", unitPrice: "50000", amount: "50000", taxRate: 9, tax: "4500" },
  ],
  totals: { amount: "1375675", tax: "91893", total: "1467568" },
  remarks: "项目编号：QH-2026-118；合同号：HT20261120-07",
  issuer: "链票开票系统",
  verificationUrl: "https://verify.example.cn/v/26440000000000000042?c=40172963581120486735#claim=K7Q2-M9XD-4P8A",
  attachments: [
    { name: "invoice.xml", content: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>\n'), mimeType: "application/xml", description: "UBL 2.1 / EN 16931", relationship: "Alternative" },
    { name: "proof.json", content: Buffer.from('{"sample":true}\n'), mimeType: "application/json", description: "离线验证证明 (EIP-1186)", relationship: "Supplement" },
  ],
};

/** Four of the twelve mice came back: a partial reversal, negative figures. */
export const SAMPLE_CREDIT_NOTE: PrintableDocument = {
  kind: "credit-note",
  printedNumber: "26440000000000000057",
  issuedAt: "2026-12-03T07:15:00.000Z",
  checkCode: "83920475610938475612",
  seller: SELLER,
  buyer: { type: "organisation", name: "广州市天河区云帆信息技术有限公司", taxpayerId: "91440106MA9Y3RB6XD" },
  lines: [{ name: "*计算机外部设备*无线鼠标", specification: "M330 黑色", unit: "个", quantity: "-4", unitPrice: "8850", amount: "-35400", taxRate: 13, tax: "-4602" }],
  totals: { amount: "-35400", tax: "-4602", total: "-40002" },
  original: { printedNumber: "26440000000000000042", issuedAt: "2026-11-26T02:30:00.000Z", reason: "sales-return" },
  issuer: "链票开票系统",
  verificationUrl: "https://verify.example.cn/v/26440000000000000057?c=83920475610938475612",
};

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? "pdf-samples");
  mkdirSync(out, { recursive: true });
  for (const [name, document] of [
    ["invoice-sample", SAMPLE_INVOICE],
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
