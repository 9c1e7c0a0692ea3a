import { capitalAmount } from "../../domain/chinese-capital";
import { fenOf, yuan, yuanWithSign } from "../../domain/yuan";
import { chineseDate } from "../../domain/china-date";
import { REVERSAL_REASON_WORDING, type PrintableDocument } from "../printable-document";

/**
 * Every text the page prints, worked out from the document before anything is drawn: figures in yuan from
 * fen, the date in China Standard Time, the capital-numeral total, what an erased name prints, the remarks of a
 * red-letter note. The layout then only places strings.
 */
export interface PrintedInvoice {
  redLetter: boolean;
  number: string;
  date: string;
  checkCode: string;
  buyer: PrintedParty;
  seller: PrintedParty;
  rows: PrintedRow[];
  /** 合计: ¥ figures. */
  totalAmount: string;
  totalTax: string;
  /** 价税合计: in capitals, and in figures with ¥. */
  totalInCapitals: string;
  totalInFigures: string;
  /** Paragraphs of the 备注 box. */
  remarks: string[];
  issuer: string;
  verificationUrl: string;
}

export interface PrintedParty {
  name: string;
  taxpayerId: string;
}

/** One line of the items table; "" where the document has nothing. */
export interface PrintedRow {
  name: string;
  specification: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  taxRate: string;
  tax: string;
}

/** What an individual buyer's erased name prints as. */
export const ERASED_NAME = "已删除";

export function printedFields(doc: PrintableDocument): PrintedInvoice {
  requireDigits(doc.printedNumber, 20, "printedNumber");
  requireDigits(doc.checkCode, 20, "checkCode");
  const redLetter = doc.kind === "credit-note";
  if (redLetter !== (doc.original !== undefined)) throw new RangeError("a credit note, and only a credit note, names the original invoice it reverses");
  const total = fenOf(doc.totals.total);
  // The two figures the reader checks against each other must agree; the lines are the caller's to choose (a
  // credit note may print one summary line for a partial reversal), so only the totals' own sum is checked.
  if (fenOf(doc.totals.amount) + fenOf(doc.totals.tax) !== total) throw new RangeError("totals.total must be totals.amount + totals.tax");

  const remarks: string[] = [];
  if (doc.original !== undefined) {
    requireDigits(doc.original.printedNumber, 20, "original.printedNumber");
    const reason = REVERSAL_REASON_WORDING[doc.original.reason];
    if (reason === undefined) throw new RangeError(`unknown reversal reason ${String(doc.original.reason)}`);
    remarks.push(`被红冲蓝字发票号码：${doc.original.printedNumber}　蓝字发票开票日期：${chineseDate(doc.original.issuedAt)}　红冲原因：${reason}`);
  }
  if (doc.remarks !== undefined && doc.remarks.trim() !== "") remarks.push(doc.remarks.trim());

  return {
    redLetter,
    number: doc.printedNumber,
    date: chineseDate(doc.issuedAt),
    checkCode: doc.checkCode,
    buyer:
      doc.buyer.type === "organisation"
        ? { name: doc.buyer.name, taxpayerId: doc.buyer.taxpayerId }
        : { name: doc.buyer.name ?? ERASED_NAME, taxpayerId: "" },
    seller: { name: doc.seller.name, taxpayerId: doc.seller.taxpayerId },
    rows: doc.lines.map((line) => ({
      name: line.name,
      specification: line.specification ?? "",
      unit: line.unit ?? "",
      quantity: line.quantity ?? "",
      unitPrice: line.unitPrice === undefined ? "" : yuan(fenOf(line.unitPrice)),
      amount: yuan(fenOf(line.amount)),
      taxRate: line.taxRate === undefined ? "" : `${line.taxRate}%`,
      tax: yuan(fenOf(line.tax)),
    })),
    totalAmount: yuanWithSign(fenOf(doc.totals.amount)),
    totalTax: yuanWithSign(fenOf(doc.totals.tax)),
    totalInCapitals: capitalAmount(total),
    totalInFigures: yuanWithSign(total),
    remarks,
    issuer: doc.issuer,
    verificationUrl: doc.verificationUrl,
  };
}

function requireDigits(value: string, length: number, field: string): void {
  if (typeof value !== "string" || value.length !== length || !/^[0-9]+$/.test(value)) throw new RangeError(`${field} must be ${length} digits`);
}
