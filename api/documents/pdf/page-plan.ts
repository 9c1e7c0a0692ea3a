import {
  CELL_PADDING,
  FOOTER,
  FRAME,
  ITEM_COLUMNS,
  ITEM_HEADER_HEIGHT,
  ITEM_ROW_MIN_HEIGHT,
  ITEM_TOTAL_HEIGHT,
  PAGE,
  PARTIES_MIN_HEIGHT,
  PARTY_WIDTH,
  REMARKS_MIN_HEIGHT,
  SIDE_LABEL_WIDTH,
  TOTAL_BAND,
  TYPE,
  type ItemColumnKey,
} from "./page-geometry";
import type { PrintedInvoice, PrintedParty, PrintedRow } from "./printed-fields";
import { fitLine, fitParagraph, textWidth, type FittedText } from "./text-fit";

/**
 * How the invoice falls onto pages, measured before anything is drawn: how tall the parties and remarks bands
 * must be for their texts, what size each text gets, and which item rows go on which page. Every page
 * repeats the whole form (header, parties, totals, remarks) with its share of the rows, so each page read
 * alone still says whose invoice it is and what it totals, as multi-page 数电 invoices do.
 */
export interface PagePlan {
  buyer: PartyPlan;
  seller: PartyPlan;
  /** Height of the first row of the parties band (名称), the same on both halves. */
  partyNameRowHeight: number;
  partiesHeight: number;
  /** Room between the items header and the 合计 row. */
  itemsAreaHeight: number;
  pages: RowPlan[][];
  /** 合计 under 金额 and 税额. */
  totalAmount: FittedText;
  totalTax: FittedText;
  capitals: FittedText;
  figures: FittedText;
  /** The 价税合计 band. */
  totalBandHeight: number;
  remarks: FittedText | null;
  remarksHeight: number;
  issuer: FittedText;
  footerHeight: number;
}

export interface PartyPlan {
  name: FittedText;
  taxpayerId: FittedText;
}

export interface RowPlan {
  cells: Record<ItemColumnKey, FittedText>;
  height: number;
}

export const PARTY_LABELS = { name: "名称：", taxpayerId: "统一社会信用代码/纳税人识别号：" } as const;
export const FIGURES_LABEL = "（小写）";
export const ISSUER_LABEL = "开票人：";
export const ISSUER_INDENT = 10;

/** Room for the text of a party half: what is left of it after the vertical label and padding on both sides. */
export const PARTY_CONTENT_WIDTH = PARTY_WIDTH - SIDE_LABEL_WIDTH - 2 * 8;
const PARTY_ROW_HEIGHT = PARTIES_MIN_HEIGHT / 2;
export const REMARKS_CONTENT_WIDTH = FRAME.width - SIDE_LABEL_WIDTH - 2 * 8;
/** The ⊗ mark before the capitals, and the room around it. */
export const CAPITALS_MARK_WIDTH = 18;

export function planPages(doc: PDFKit.PDFDocument, printed: PrintedInvoice): PagePlan {
  const buyer = planParty(doc, printed.buyer);
  const seller = planParty(doc, printed.seller);
  const partyNameRowHeight = Math.max(PARTY_ROW_HEIGHT, buyer.name.height + 12, seller.name.height + 12);
  const partiesHeight = partyNameRowHeight + PARTY_ROW_HEIGHT;

  const remarks = printed.remarks.length === 0 ? null : fitParagraph(doc, printed.remarks.join("\n"), "regular", TYPE.value - 0.5, REMARKS_CONTENT_WIDTH, 3);
  const remarksHeight = Math.max(REMARKS_MIN_HEIGHT, (remarks?.height ?? 0) + 12);

  const totalAmount = fitLine(doc, printed.totalAmount, "regular", TYPE.cell + 0.5, columnWidth("amount") - 2 * CELL_PADDING, TYPE.figureMinimum);
  const totalTax = fitLine(doc, printed.totalTax, "regular", TYPE.cell + 0.5, columnWidth("tax") - 2 * CELL_PADDING, TYPE.figureMinimum);
  const capitalsWidth = FRAME.width - TOTAL_BAND.labelWidth - TOTAL_BAND.figuresWidth - CAPITALS_MARK_WIDTH - 8;
  const capitals = fitLine(doc, printed.totalInCapitals, "bold", TYPE.value + 0.5, capitalsWidth);
  const figuresWidth = TOTAL_BAND.figuresWidth - textWidth(doc, FIGURES_LABEL, "regular", TYPE.label) - 10;
  const figures = fitLine(doc, printed.totalInFigures, "bold", TYPE.value + 0.5, figuresWidth, TYPE.figureMinimum);
  // One line within the ledger's limits; taller only if a total beyond them ever had to wrap.
  const totalBandHeight = Math.max(TOTAL_BAND.height, capitals.height + 8, figures.height + 8);
  const issuerWidth = FRAME.width - FOOTER.pageCountWidth - ISSUER_INDENT - textWidth(doc, ISSUER_LABEL, "regular", TYPE.label);
  const issuer = fitParagraph(doc, printed.issuer, "regular", TYPE.value, issuerWidth, 1);
  const footerHeight = Math.max(FOOTER.minHeight, issuer.height + 10);

  const frameBottomLimit = PAGE.height - FOOTER.bottomMargin - footerHeight;
  const itemsAreaHeight =
    frameBottomLimit - FRAME.top - partiesHeight - ITEM_HEADER_HEIGHT - ITEM_TOTAL_HEIGHT - totalBandHeight - remarksHeight;
  const pages = paginate(printed.rows.map((row) => planRow(doc, row)), itemsAreaHeight);

  return { buyer, seller, partyNameRowHeight, partiesHeight, itemsAreaHeight, pages, totalAmount, totalTax, capitals, figures, totalBandHeight, remarks, remarksHeight, issuer, footerHeight };
}

function columnWidth(key: ItemColumnKey): number {
  return ITEM_COLUMNS.find((column) => column.key === key)!.width;
}

function planParty(doc: PDFKit.PDFDocument, party: PrintedParty): PartyPlan {
  const nameWidth = PARTY_CONTENT_WIDTH - textWidth(doc, PARTY_LABELS.name, "regular", TYPE.label);
  const idWidth = PARTY_CONTENT_WIDTH - textWidth(doc, PARTY_LABELS.taxpayerId, "regular", TYPE.label);
  return {
    name: fitParagraph(doc, party.name, "regular", TYPE.value, nameWidth, 2),
    taxpayerId: fitLine(doc, party.taxpayerId, "regular", TYPE.value, idWidth, TYPE.figureMinimum),
  };
}

function planRow(doc: PDFKit.PDFDocument, row: PrintedRow): RowPlan {
  const cells = {} as Record<ItemColumnKey, FittedText>;
  let tallest = 0;
  for (const column of ITEM_COLUMNS) {
    const width = column.width - 2 * CELL_PADDING;
    const text = row[column.key];
    const fitted = column.wraps ? fitParagraph(doc, text, "regular", TYPE.cell, width, 2) : fitLine(doc, text, "regular", TYPE.cell, width, TYPE.figureMinimum);
    cells[column.key] = fitted;
    tallest = Math.max(tallest, fitted.height);
  }
  return { cells, height: Math.max(ITEM_ROW_MIN_HEIGHT, tallest + 4) };
}

/** Rows in order, as many to a page as its items area holds; an invoice without lines still has one page. */
function paginate(rows: RowPlan[], areaHeight: number): RowPlan[][] {
  const pages: RowPlan[][] = [[]];
  let used = 0;
  for (const row of rows) {
    // Every text shrinks before it grows, so within the API's limits (names of 200 characters, remarks of
    // 500, 100 lines) a row always fits an empty page; this guards the promise that nothing is ever cut.
    if (row.height > areaHeight) throw new RangeError("an item line is taller than the page's items area");
    if (used + row.height > areaHeight) {
      pages.push([]);
      used = 0;
    }
    pages[pages.length - 1]!.push(row);
    used += row.height;
  }
  return pages;
}
