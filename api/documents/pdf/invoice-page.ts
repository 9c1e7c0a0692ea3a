import {
  CELL_PADDING,
  FOOTER,
  FRAME,
  FRAME_RIGHT,
  HEADER,
  ITEM_COLUMNS,
  ITEM_HEADER_HEIGHT,
  ITEM_TOTAL_HEIGHT,
  PAGE,
  PARTY_WIDTH,
  SIDE_LABEL_WIDTH,
  TOTAL_BAND,
  TYPE,
} from "./page-geometry";
import { CAPITALS_MARK_WIDTH, FIGURES_LABEL, ISSUER_INDENT, ISSUER_LABEL, PARTY_LABELS, type PagePlan, type PartyPlan, type RowPlan } from "./page-plan";
import type { Palette } from "./palette";
import type { PrintedInvoice } from "./printed-fields";
import { drawQrCode } from "./qr-code";
import { baselineOffset, centredTop, drawFitted, fitLine, lineHeight, textWidth, use, type FittedText } from "./text-fit";

/**
 * One page of the form, drawn after the layout of 电子发票（普通发票）: QR code, title, number and date on
 * top; a frame holding the buyer and seller, the items, 合计, 价税合计 in capitals and figures, and 备注;
 * 开票人 under it. A red-letter note is the same form in red with a 红字 mark.
 */
export const TITLE = "电子发票（普通发票）";
const RED_LETTER_MARK = "红字";
const FRAME_LINE = 0.9;
const INNER_LINE = 0.6;

export interface PageContext {
  doc: PDFKit.PDFDocument;
  printed: PrintedInvoice;
  plan: PagePlan;
  palette: Palette;
}

export function drawInvoicePage(context: PageContext, pageIndex: number): void {
  const { plan } = context;
  drawHeader(context);
  const partiesTop = FRAME.top;
  const itemsTop = partiesTop + plan.partiesHeight;
  const totalRowTop = itemsTop + ITEM_HEADER_HEIGHT + plan.itemsAreaHeight;
  const totalBandTop = totalRowTop + ITEM_TOTAL_HEIGHT;
  const remarksTop = totalBandTop + plan.totalBandHeight;
  const frameBottom = remarksTop + plan.remarksHeight;

  drawFrame(context, { itemsTop, totalBandTop, remarksTop, frameBottom });
  drawParties(context, partiesTop);
  drawItems(context, itemsTop, plan.pages[pageIndex] ?? [], totalRowTop);
  drawTotalBand(context, totalBandTop);
  drawRemarks(context, remarksTop);
  drawFooter(context, frameBottom, pageIndex);
}

function drawHeader({ doc, printed, palette }: PageContext): void {
  drawQrCode(doc, printed.verificationUrl, FRAME.left, HEADER.qrTop, HEADER.qrSize);
  // The QR code is also a link, for whoever reads the PDF on a screen.
  doc.link(FRAME.left, HEADER.qrTop, HEADER.qrSize, HEADER.qrSize, printed.verificationUrl);

  const titleWidth = textWidth(doc, TITLE, "bold", TYPE.title);
  const titleLeft = (PAGE.width - titleWidth) / 2;
  use(doc, "bold", TYPE.title).fillColor(palette.form).text(TITLE, titleLeft, HEADER.titleTop, { lineBreak: false });
  // Two rules under the title, as the printed form has them.
  const ruleY = HEADER.titleTop + lineHeight(doc, "bold", TYPE.title) + 1;
  doc.save().lineWidth(0.8).strokeColor(palette.form);
  doc.moveTo(titleLeft - 6, ruleY).lineTo(titleLeft + titleWidth + 6, ruleY).stroke();
  doc.moveTo(titleLeft - 6, ruleY + 3).lineTo(titleLeft + titleWidth + 6, ruleY + 3).stroke();
  doc.restore();

  if (printed.redLetter) {
    // 红字 in a box, left of the title: the note's nature is the first thing read.
    const size = TYPE.title - 5;
    const width = textWidth(doc, RED_LETTER_MARK, "bold", size) + 12;
    const height = size * 1.6;
    const left = titleLeft - width - 22;
    const top = HEADER.titleTop + (lineHeight(doc, "bold", TYPE.title) - height) / 2 + 1;
    doc.save().lineWidth(1.4).strokeColor(palette.form).roundedRect(left, top, width, height, 3).stroke().restore();
    use(doc, "bold", size).fillColor(palette.form).text(RED_LETTER_MARK, left, centredTop(top, height, lineHeight(doc, "bold", size), size), { width, align: "center", lineBreak: false });
  }

  const fields: [string, string][] = [
    ["发票号码：", printed.number],
    ["开票日期：", printed.date],
    ["校 验 码：", printed.checkCode],
  ];
  const fieldsWidth = Math.max(...fields.map(([label, value]) => textWidth(doc, label + value, "regular", TYPE.field)));
  fields.forEach(([label, value], i) => {
    labelAndValue(doc, palette, label, value, FRAME_RIGHT - fieldsWidth, HEADER.fieldsTop + i * HEADER.fieldStep, TYPE.field);
  });
}

/** A label in the form's colour followed by its value in black, on one line, sharing a baseline. */
function labelAndValue(doc: PDFKit.PDFDocument, palette: Palette, label: string, value: string, left: number, top: number, size: number): void {
  use(doc, "regular", size).fillColor(palette.form).text(label, left, top, { lineBreak: false });
  const valueLeft = left + textWidth(doc, label, "regular", size);
  use(doc, "regular", size).fillColor(palette.text).text(value, valueLeft, top, { lineBreak: false });
}

function drawFrame({ doc, palette }: PageContext, y: { itemsTop: number; totalBandTop: number; remarksTop: number; frameBottom: number }): void {
  const { left, top, width } = FRAME;
  doc.save().strokeColor(palette.form);
  doc.lineWidth(FRAME_LINE).rect(left, top, width, y.frameBottom - top).stroke();
  doc.lineWidth(INNER_LINE);
  const horizontal = (at: number) => doc.moveTo(left, at).lineTo(FRAME_RIGHT, at).stroke();
  const vertical = (at: number, from: number, to: number) => doc.moveTo(at, from).lineTo(at, to).stroke();
  horizontal(y.itemsTop);
  horizontal(y.totalBandTop);
  horizontal(y.remarksTop);
  // Parties: the halves, each with its label column.
  vertical(left + PARTY_WIDTH, top, y.itemsTop);
  vertical(left + SIDE_LABEL_WIDTH, top, y.itemsTop);
  vertical(left + PARTY_WIDTH + SIDE_LABEL_WIDTH, top, y.itemsTop);
  // 价税合计: its label cell. 备注: its label column.
  vertical(left + TOTAL_BAND.labelWidth, y.totalBandTop, y.remarksTop);
  vertical(left + SIDE_LABEL_WIDTH, y.remarksTop, y.frameBottom);
  doc.restore();
}

/** Characters stacked one under another in a label column, centred in the band. */
function verticalLabel(doc: PDFKit.PDFDocument, palette: Palette, text: string, left: number, top: number, height: number): void {
  const size = TYPE.label;
  const step = size * 1.25;
  const characters = [...text];
  const blockHeight = characters.length * step;
  let y = top + (height - blockHeight) / 2;
  for (const character of characters) {
    use(doc, "regular", size).fillColor(palette.form).text(character, left, centredTop(y, step, lineHeight(doc, "regular", size), size), {
      width: SIDE_LABEL_WIDTH,
      align: "center",
      lineBreak: false,
    });
    y += step;
  }
}

function drawParties(context: PageContext, top: number): void {
  const { doc, palette, plan } = context;
  const halves: [string, PartyPlan, number][] = [
    ["购买方信息", plan.buyer, FRAME.left],
    ["销售方信息", plan.seller, FRAME.left + PARTY_WIDTH],
  ];
  for (const [label, party, left] of halves) {
    verticalLabel(doc, palette, label, left, top, plan.partiesHeight);
    const contentLeft = left + SIDE_LABEL_WIDTH + 8;
    partyRow(doc, palette, PARTY_LABELS.name, party.name, contentLeft, top, plan.partyNameRowHeight);
    partyRow(doc, palette, PARTY_LABELS.taxpayerId, party.taxpayerId, contentLeft, top + plan.partyNameRowHeight, plan.partiesHeight - plan.partyNameRowHeight);
  }
}

/** A label and its (possibly wrapped) value, the label on the value's first line, both centred in the row. */
function partyRow(doc: PDFKit.PDFDocument, palette: Palette, label: string, value: FittedText, left: number, top: number, height: number): void {
  const labelWidth = textWidth(doc, label, "regular", TYPE.label);
  const valueTop = centredTop(top, height, value.height, value.size);
  // The label shares the baseline of the value's first line.
  const labelTop = valueTop + baselineOffset(value.size) - baselineOffset(TYPE.label);
  use(doc, "regular", TYPE.label).fillColor(palette.form).text(label, left, labelTop, { lineBreak: false });
  doc.fillColor(palette.text);
  drawFitted(doc, value, left + labelWidth, valueTop);
}

function drawItems({ doc, palette, plan }: PageContext, top: number, rows: RowPlan[], totalRowTop: number): void {
  // Column titles.
  let x = FRAME.left;
  for (const column of ITEM_COLUMNS) {
    const title = fitLine(doc, column.title, "regular", TYPE.label, column.width - 2);
    doc.fillColor(palette.form);
    drawFitted(doc, title, x + 1, centredTop(top, ITEM_HEADER_HEIGHT, title.height, title.size), "center");
    x += column.width;
  }
  // Rows.
  let y = top + ITEM_HEADER_HEIGHT;
  for (const row of rows) {
    x = FRAME.left;
    for (const column of ITEM_COLUMNS) {
      const cell = row.cells[column.key];
      doc.fillColor(palette.text);
      // Wrapped text starts at the row's top line; single lines sit in the middle of the row.
      const cellTop = column.wraps && cell.height > lineHeight(doc, cell.weight, cell.size) + 0.5 ? y + 2 : centredTop(y, row.height, cell.height, cell.size);
      drawFitted(doc, cell, x + CELL_PADDING, cellTop, column.align);
      x += column.width;
    }
    y += row.height;
  }
  // 合计: the totals under 金额 and 税额.
  const labelTop = centredTop(totalRowTop, ITEM_TOTAL_HEIGHT, lineHeight(doc, "regular", TYPE.label), TYPE.label);
  use(doc, "regular", TYPE.label).fillColor(palette.form).text("合　　计", FRAME.left, labelTop, { width: ITEM_COLUMNS[0]!.width, align: "center", lineBreak: false });
  x = FRAME.left;
  for (const column of ITEM_COLUMNS) {
    const fitted = column.key === "amount" ? plan.totalAmount : column.key === "tax" ? plan.totalTax : null;
    if (fitted !== null) {
      doc.fillColor(palette.text);
      drawFitted(doc, fitted, x + CELL_PADDING, centredTop(totalRowTop, ITEM_TOTAL_HEIGHT, fitted.height, fitted.size), "right");
    }
    x += column.width;
  }
}

function drawTotalBand({ doc, palette, plan }: PageContext, top: number): void {
  const height = plan.totalBandHeight;
  use(doc, "regular", TYPE.label).fillColor(palette.form).text("价税合计（大写）", FRAME.left, centredTop(top, height, lineHeight(doc, "regular", TYPE.label), TYPE.label), {
    width: TOTAL_BAND.labelWidth,
    align: "center",
    lineBreak: false,
  });
  // ⊗ before the capitals, drawn so that nothing can be written in front of them.
  const markX = FRAME.left + TOTAL_BAND.labelWidth + 6 + 5;
  const markY = top + height / 2;
  doc.save().lineWidth(0.7).strokeColor(palette.form).circle(markX, markY, 5).stroke();
  const arm = 5 * Math.SQRT1_2;
  doc.moveTo(markX - arm, markY - arm).lineTo(markX + arm, markY + arm).moveTo(markX - arm, markY + arm).lineTo(markX + arm, markY - arm).stroke().restore();

  doc.fillColor(palette.text);
  drawFitted(doc, plan.capitals, FRAME.left + TOTAL_BAND.labelWidth + CAPITALS_MARK_WIDTH + 4, centredTop(top, height, plan.capitals.height, plan.capitals.size));

  const figuresLeft = FRAME_RIGHT - TOTAL_BAND.figuresWidth;
  const labelWidth = textWidth(doc, FIGURES_LABEL, "regular", TYPE.label);
  const valueTop = centredTop(top, height, plan.figures.height, plan.figures.size);
  const labelTop = valueTop + baselineOffset(plan.figures.size) - baselineOffset(TYPE.label);
  use(doc, "regular", TYPE.label).fillColor(palette.form).text(FIGURES_LABEL, figuresLeft, labelTop, { lineBreak: false });
  doc.fillColor(palette.text);
  drawFitted(doc, plan.figures, figuresLeft + labelWidth + 2, valueTop);
}

function drawRemarks({ doc, palette, plan }: PageContext, top: number): void {
  verticalLabel(doc, palette, "备注", FRAME.left, top, plan.remarksHeight);
  if (plan.remarks === null) return;
  doc.fillColor(palette.text);
  drawFitted(doc, plan.remarks, FRAME.left + SIDE_LABEL_WIDTH + 8, top + 6);
}

function drawFooter({ doc, palette, plan }: PageContext, frameBottom: number, pageIndex: number): void {
  const top = frameBottom + 6;
  const labelWidth = textWidth(doc, ISSUER_LABEL, "regular", TYPE.label);
  const labelTop = top + baselineOffset(plan.issuer.size) - baselineOffset(TYPE.label);
  use(doc, "regular", TYPE.label).fillColor(palette.form).text(ISSUER_LABEL, FRAME.left + ISSUER_INDENT, labelTop, { lineBreak: false });
  doc.fillColor(palette.text);
  drawFitted(doc, plan.issuer, FRAME.left + ISSUER_INDENT + labelWidth, top);
  if (plan.pages.length > 1) {
    use(doc, "regular", TYPE.label).fillColor(palette.form).text(`共${plan.pages.length}页　第${pageIndex + 1}页`, FRAME_RIGHT - FOOTER.pageCountWidth, labelTop, {
      width: FOOTER.pageCountWidth,
      align: "right",
      lineBreak: false,
    });
  }
}
