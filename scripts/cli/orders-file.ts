import { readFileSync } from "node:fs";

import { parse } from "csv-parse/sync";

import { TAX_RATES, lineAmount, lineTax, type TaxRate } from "../../api/domain/money";
import type { components } from "../../sdk/src/generated/openapi";

export type IssueInvoiceBody = components["schemas"]["IssueInvoice"];
type LineItem = IssueInvoiceBody["items"][number];

/** One invoice to issue, with where it came from in the file. */
export interface PlannedInvoice {
  reference: string;
  /** The CSV lines (1 = the header) or JSON array positions (from 1) it was read from. */
  lines: number[];
  body: IssueInvoiceBody;
}

/** Something in the file that cannot become an invoice: refused before anything is sent. */
export interface FileRefusal {
  reference: string | undefined;
  lines: number[];
  code: "INVALID_ROW" | "INCONSISTENT_ROWS";
  message: string;
}

/**
 * The columns of an orders CSV: one line per line item; the lines of one invoice share its `reference` (they
 * need not be next to each other) and the invoice's fields (buyer, remarks) are read from its first line (later
 * lines leave them empty or repeat them). Money is integer fen; `amount` and `tax` may be left empty, and are
 * then quantity x unit price and amount x rate rounded half-up to the fen (the API checks the same arithmetic).
 */
export const CSV_COLUMNS = [
  "reference",
  "buyer_type",
  "buyer_name",
  "buyer_taxpayer_id",
  "remarks",
  "item_name",
  "specification",
  "unit",
  "quantity",
  "unit_price",
  "amount",
  "tax_rate",
  "tax",
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ["reference", "buyer_name", "item_name", "quantity", "unit_price", "tax_rate"];
const INVOICE_FIELDS: readonly Column[] = ["buyer_type", "buyer_name", "buyer_taxpayer_id", "remarks"];

export const CSV_FORMAT_HELP = `Orders CSV (UTF-8, header line required, one line per line item; lines with the same reference form one invoice):
  reference          your order number, 1-64 of A-Z a-z 0-9 . _ : / - (reissuing it returns the same invoice)
  buyer_type         organisation | individual (empty: organisation when buyer_taxpayer_id is given)
  buyer_name         the buyer's name
  buyer_taxpayer_id  an organisation's 18-character unified social credit code
  remarks            optional
  item_name          the line item
  specification      optional
  unit               optional
  quantity           a decimal, e.g. 2 or 0.5
  unit_price         fen (1 yuan = 100 fen), digits
  amount             fen; empty: quantity x unit_price
  tax_rate           VAT percent: 0, 1, 3, 5, 6, 9 or 13
  tax                fen; empty: amount x tax_rate, half-up
Example:
  reference,buyer_type,buyer_name,buyer_taxpayer_id,remarks,item_name,specification,unit,quantity,unit_price,amount,tax_rate,tax
  ORDER-1,organisation,深圳市示例科技有限公司,91440300MA5DC8LQ03,,工作餐,,份,2,5000,,13,
  ORDER-1,,,,,饮料,,瓶,4,300,,13,
Orders JSON: an array of invoices as POST /v1/invoices takes them ({ reference, buyer, items, remarks }), or { "invoices": [...] }.`;

const FEN = /^(0|[1-9][0-9]{0,15})$/;

/** The item of one CSV line, or why it cannot be one. */
function itemOf(row: Record<Column, string>): LineItem | string {
  const rate = Number(row.tax_rate);
  if (!TAX_RATES.includes(rate as TaxRate)) return `tax_rate must be one of ${TAX_RATES.join(", ")} (percent), not "${row.tax_rate}"`;
  if (!FEN.test(row.unit_price)) return `unit_price must be fen as digits, not "${row.unit_price}"`;
  for (const column of ["amount", "tax"] as const) if (row[column] !== "" && !FEN.test(row[column])) return `${column} must be fen as digits or empty, not "${row[column]}"`;
  let amount = row.amount;
  if (amount === "") {
    try {
      amount = lineAmount(row.quantity, BigInt(row.unit_price)).toString();
    } catch {
      return `quantity must be a decimal such as 2 or 0.5, not "${row.quantity}"`;
    }
  }
  const tax = row.tax !== "" ? row.tax : lineTax(BigInt(amount), rate as TaxRate).toString();
  return {
    name: row.item_name,
    ...(row.specification === "" ? {} : { specification: row.specification }),
    ...(row.unit === "" ? {} : { unit: row.unit }),
    quantity: row.quantity,
    unitPrice: row.unit_price,
    amount,
    taxRate: rate as LineItem["taxRate"],
    tax,
  };
}

function buyerOf(row: Record<Column, string>): IssueInvoiceBody["buyer"] | string {
  const type = row.buyer_type === "" ? (row.buyer_taxpayer_id === "" ? "individual" : "organisation") : row.buyer_type;
  if (type === "organisation") {
    if (row.buyer_taxpayer_id === "") return "an organisation buyer needs buyer_taxpayer_id";
    return { type, name: row.buyer_name, taxpayerId: row.buyer_taxpayer_id };
  }
  if (type === "individual") {
    if (row.buyer_taxpayer_id !== "") return "an individual buyer has no buyer_taxpayer_id";
    return { type, name: row.buyer_name };
  }
  return `buyer_type must be organisation or individual, not "${row.buyer_type}"`;
}

/** Reads an orders CSV into invoices (in the order their references first appear) and the lines refused. */
export function parseOrdersCsv(text: string): { invoices: PlannedInvoice[]; refusals: FileRefusal[] } {
  const records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true, columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()) }) as {
    record: Record<string, string | undefined>;
    info: { lines: number };
  }[];
  const refusals: FileRefusal[] = [];
  const groups = new Map<string, { lines: number[]; rows: Record<Column, string>[] }>();
  const header = records.length === 0 ? [] : Object.keys(records[0]!.record);
  const missing = REQUIRED.filter((column) => records.length > 0 && !header.includes(column));
  if (missing.length > 0) throw new Error(`the CSV lacks the column(s) ${missing.join(", ")} (columns: ${CSV_COLUMNS.join(",")})`);
  for (const { record, info } of records) {
    const row = Object.fromEntries(CSV_COLUMNS.map((column) => [column, record[column] ?? ""])) as Record<Column, string>;
    const line = info.lines;
    if (row.reference === "") {
      refusals.push({ reference: undefined, lines: [line], code: "INVALID_ROW", message: "the line has no reference" });
      continue;
    }
    const group = groups.get(row.reference) ?? { lines: [], rows: [] };
    group.lines.push(line);
    group.rows.push(row);
    groups.set(row.reference, group);
  }
  const invoices: PlannedInvoice[] = [];
  for (const [reference, { lines, rows }] of groups) {
    const first = rows[0]!;
    const emptyOnFirst = (["buyer_name", "item_name", "quantity", "unit_price", "tax_rate"] as const).find((column) => first[column] === "");
    const problems: { line: number; message: string; code: FileRefusal["code"] }[] = [];
    if (emptyOnFirst !== undefined) problems.push({ line: lines[0]!, message: `${emptyOnFirst} is empty`, code: "INVALID_ROW" });
    rows.forEach((row, i) => {
      if (i === 0) return;
      const differs = INVOICE_FIELDS.find((column) => row[column] !== "" && row[column] !== first[column]);
      if (differs !== undefined) problems.push({ line: lines[i]!, message: `${differs} differs from the invoice's first line (${lines[0]})`, code: "INCONSISTENT_ROWS" });
      const empty = (["item_name", "quantity", "unit_price", "tax_rate"] as const).find((column) => row[column] === "");
      if (empty !== undefined) problems.push({ line: lines[i]!, message: `${empty} is empty`, code: "INVALID_ROW" });
    });
    const buyer = buyerOf(first);
    if (typeof buyer === "string") problems.push({ line: lines[0]!, message: buyer, code: "INVALID_ROW" });
    const items: LineItem[] = [];
    if (problems.length === 0) {
      rows.forEach((row, i) => {
        const item = itemOf(row);
        if (typeof item === "string") problems.push({ line: lines[i]!, message: item, code: "INVALID_ROW" });
        else items.push(item);
      });
    }
    if (problems.length > 0) {
      refusals.push({ reference, lines, code: problems[0]!.code, message: problems.map((p) => `line ${p.line}: ${p.message}`).join("; ") });
      continue;
    }
    invoices.push({ reference, lines, body: { reference, buyer: buyer as IssueInvoiceBody["buyer"], items, ...(first.remarks === "" ? {} : { remarks: first.remarks }) } });
  }
  return { invoices, refusals };
}

/** Reads an orders JSON: the API's own invoice bodies, in an array or under `invoices`. */
export function parseOrdersJson(text: string): { invoices: PlannedInvoice[]; refusals: FileRefusal[] } {
  const value = JSON.parse(text) as unknown;
  const list = Array.isArray(value) ? value : (value as { invoices?: unknown } | null)?.invoices;
  if (!Array.isArray(list)) throw new Error("the JSON must be an array of invoices or { \"invoices\": [...] }");
  const invoices: PlannedInvoice[] = [];
  const refusals: FileRefusal[] = [];
  const seen = new Map<string, PlannedInvoice>();
  list.forEach((entry: unknown, i) => {
    const reference = typeof entry === "object" && entry !== null ? (entry as { reference?: unknown }).reference : undefined;
    if (typeof reference !== "string" || reference === "") {
      refusals.push({ reference: undefined, lines: [i + 1], code: "INVALID_ROW", message: `invoice ${i + 1} has no reference` });
      return;
    }
    const earlier = seen.get(reference);
    if (earlier !== undefined) {
      refusals.push({ reference, lines: [...earlier.lines, i + 1], code: "INCONSISTENT_ROWS", message: `the reference appears twice (invoices ${earlier.lines[0]} and ${i + 1})` });
      return;
    }
    const planned = { reference, lines: [i + 1], body: entry as IssueInvoiceBody };
    seen.set(reference, planned);
    invoices.push(planned);
  });
  return { invoices, refusals };
}

/** An orders file by its extension: .json, else CSV. */
export function readOrdersFile(path: string): { invoices: PlannedInvoice[]; refusals: FileRefusal[] } {
  const text = readFileSync(path, "utf8");
  return path.toLowerCase().endsWith(".json") ? parseOrdersJson(text) : parseOrdersCsv(text);
}
