import { FONT } from "./fonts";
import { TYPE } from "./page-geometry";

/**
 * Measuring and placing text so that nothing is cut or overlaps: a text that is too long for its box first
 * shrinks (down to TYPE.minimum), then wraps onto more lines and its box grows. The measurements come from
 * pdfkit with the embedded font, the same metrics it draws with.
 */
export type Weight = keyof typeof FONT;

/**
 * Noto Sans SC's ascent (hhea, both weights): pdfkit places text by the top of its line box, and the baseline
 * is this far below it. Used to put a label and a value of different sizes on one baseline.
 */
const ASCENT = 1.16;

export function baselineOffset(size: number): number {
  return ASCENT * size;
}

/** Line spacing of wrapped text, as a fraction of the size added to the font's own line height (1.448 em for Noto Sans SC). */
const LINE_GAP = -0.12;

export interface FittedText {
  text: string;
  weight: Weight;
  size: number;
  /** Height of the laid-out text at `size` within `width`. */
  height: number;
  width: number;
}

export function use(doc: PDFKit.PDFDocument, weight: Weight, size: number): PDFKit.PDFDocument {
  return doc.font(FONT[weight]).fontSize(size);
}

export function textWidth(doc: PDFKit.PDFDocument, text: string, weight: Weight, size: number): number {
  return use(doc, weight, size).widthOfString(text);
}

/** The height of one line at `size`. */
export function lineHeight(doc: PDFKit.PDFDocument, weight: Weight, size: number): number {
  return use(doc, weight, size).currentLineHeight() + LINE_GAP * size;
}

function wrappedHeight(doc: PDFKit.PDFDocument, text: string, weight: Weight, size: number, width: number): number {
  return use(doc, weight, size).heightOfString(text, { width, lineGap: LINE_GAP * size });
}

/**
 * The largest size from `size` down to TYPE.minimum at which `text` fits `width` in at most `maxLines` lines;
 * at the minimum it takes as many lines as it needs.
 */
export function fitParagraph(doc: PDFKit.PDFDocument, text: string, weight: Weight, size: number, width: number, maxLines: number, minimum: number = TYPE.minimum): FittedText {
  for (let s = size; s >= minimum; s -= 0.5) {
    const height = wrappedHeight(doc, text, weight, s, width);
    if (height <= maxLines * lineHeight(doc, weight, s) + 0.01) return { text, weight, size: s, height, width };
  }
  return { text, weight, size: minimum, height: wrappedHeight(doc, text, weight, minimum, width), width };
}

/** One line that shrinks to fit `width`; below the minimum it wraps like a paragraph rather than spill over. */
export function fitLine(doc: PDFKit.PDFDocument, text: string, weight: Weight, size: number, width: number, minimum: number = TYPE.minimum): FittedText {
  return fitParagraph(doc, text, weight, size, width, 1, minimum);
}

/** Draws fitted text with its top at `y`, aligned within its width. */
export function drawFitted(doc: PDFKit.PDFDocument, fitted: FittedText, x: number, y: number, align: "left" | "center" | "right" = "left"): void {
  use(doc, fitted.weight, fitted.size).text(fitted.text, x, y, { width: fitted.width, align, lineGap: LINE_GAP * fitted.size });
}

/**
 * Where to put the top of a block of `height` so that it sits in the middle of a box from `top` of
 * `boxHeight`. Noto's line box has more room above the glyphs than below (ascent 1.16 em, descent 0.29 em;
 * ideographs and figures sit between about -0.12 and 0.88 em), so a centred line box would put the glyphs
 * 0.12 em low: the block moves up by that much.
 */
export function centredTop(top: number, boxHeight: number, height: number, size: number): number {
  return top + (boxHeight - height) / 2 - 0.12 * size;
}
