import type { PrintableDocument } from "../../api/documents/printable-document";

/**
 * A sample invoice with every field filled, and a red-letter credit note against it (four of the twelve mice came
 * back: a partial reversal, negative figures): what test/documents/invoice-pdf.test.ts checks the PDF against and
 * scripts/render-sample-pdf.ts renders for docs/images/. The figures are consistent, as the API would issue them.
 */
export const SAMPLE_SELLER = { name: "深圳市前海链票科技有限公司", taxpayerId: "91440300MA5G2K7L0Y" };
export const SAMPLE_BUYER = { type: "organisation" as const, name: "广州市天河区云帆信息技术有限公司", taxpayerId: "91440106MA9Y3RB6XD" };

export const SAMPLE_INVOICE: PrintableDocument = {
  kind: "invoice",
  printedNumber: "26440000000000000042",
  // 02:30 UTC is 10:30 in China: the 26th either way.
  issuedAt: "2026-11-26T02:30:00.000Z",
  checkCode: "40172963581120486735",
  seller: SAMPLE_SELLER,
  buyer: SAMPLE_BUYER,
  lines: [
    { name: "*信息技术服务*软件开发服务", specification: "V2.1", unit: "项", quantity: "1", unitPrice: "1200000", amount: "1200000", taxRate: 6, tax: "72000" },
    { name: "*计算机外部设备*无线鼠标", specification: "M330 黑色", unit: "个", quantity: "12", unitPrice: "8850", amount: "106200", taxRate: 13, tax: "13806" },
    { name: "*纸制品*复印纸", specification: "70g 500张/包", unit: "包", quantity: "2.5", unitPrice: "2390", amount: "5975", taxRate: 13, tax: "777" },
    { name: "*餐饮服务*工作餐", unit: "次", quantity: "3", unitPrice: "4500", amount: "13500", taxRate: 6, tax: "810" },
    { name: "*运输服务*国内货物运输服务", specification: "深圳至广州", unit: "次", quantity: "1", unitPrice: "50000", amount: "50000", taxRate: 9, tax: "4500" },
  ],
  totals: { amount: "1375675", tax: "91893", total: "1467568" },
  remarks: "项目编号：QH-2026-118；合同号：HT20261120-07",
  issuer: "链票开票系统",
  verificationUrl: "https://verify.example.cn/v/26440000000000000042?c=40172963581120486735#claim=K7Q2-M9XD-4P8A",
};

export const SAMPLE_CREDIT_NOTE: PrintableDocument = {
  kind: "credit-note",
  printedNumber: "26440000000000000057",
  issuedAt: "2026-12-03T07:15:00.000Z",
  checkCode: "83920475610938475612",
  seller: SAMPLE_SELLER,
  buyer: SAMPLE_BUYER,
  lines: [{ name: "*计算机外部设备*无线鼠标", specification: "M330 黑色", unit: "个", quantity: "-4", unitPrice: "8850", amount: "-35400", taxRate: 13, tax: "-4602" }],
  totals: { amount: "-35400", tax: "-4602", total: "-40002" },
  original: { printedNumber: "26440000000000000042", issuedAt: "2026-11-26T02:30:00.000Z", reason: "sales-return" },
  issuer: "链票开票系统",
  verificationUrl: "https://verify.example.cn/v/26440000000000000057?c=83920475610938475612",
};
