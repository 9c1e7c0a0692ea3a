/**
 * Where things go on the page, in PDF points (1/72 inch) from the top left corner. The page is A5 landscape
 * (210 x 148 mm), close to the 240 x 140 mm of China's e-invoices and a standard paper size to print on; the
 * frame keeps a margin that office printers do not cut.
 */
export const PAGE = { width: 595.28, height: 419.53 } as const;

export const FRAME = { left: 21.64, width: 552, top: 88 } as const;
export const FRAME_RIGHT = FRAME.left + FRAME.width;

/** Below the frame: the 开票人 line (taller if the issuer's name wraps), the page count at its right, and the margin under it. */
export const FOOTER = { minHeight: 22, pageCountWidth: 120, bottomMargin: 12 } as const;

/** Top band: the QR code at the left, the title in the middle, number, date and check code at the right (flush with the frame). */
export const HEADER = { qrTop: 12, qrSize: 70, titleTop: 24, fieldsTop: 28, fieldStep: 16 } as const;

/** The narrow column of vertical labels (购买方信息, 备注) at the left of a band. */
export const SIDE_LABEL_WIDTH = 20;

/** The buyer's and the seller's halves of the parties band; each starts with its vertical label. */
export const PARTY_WIDTH = FRAME.width / 2;
export const PARTIES_MIN_HEIGHT = 64;

/** The items table: one header row, the lines, the 合计 row. Columns share the frame's width exactly. */
export const ITEM_HEADER_HEIGHT = 18;
export const ITEM_TOTAL_HEIGHT = 18;
export const ITEM_ROW_MIN_HEIGHT = 15;
export const CELL_PADDING = 4;

export type ItemColumnKey = "name" | "specification" | "unit" | "quantity" | "unitPrice" | "amount" | "taxRate" | "tax";

export interface ItemColumn {
  key: ItemColumnKey;
  title: string;
  width: number;
  align: "left" | "center" | "right";
  /** Text columns wrap onto more lines; figures stay on one line and shrink to fit. */
  wraps: boolean;
}

export const ITEM_COLUMNS: readonly ItemColumn[] = [
  { key: "name", title: "项目名称", width: 148, align: "left", wraps: true },
  { key: "specification", title: "规格型号", width: 68, align: "left", wraps: true },
  { key: "unit", title: "单位", width: 36, align: "center", wraps: true },
  { key: "quantity", title: "数量", width: 56, align: "right", wraps: false },
  { key: "unitPrice", title: "单价", width: 64, align: "right", wraps: false },
  { key: "amount", title: "金额", width: 68, align: "right", wraps: false },
  { key: "taxRate", title: "税率/征收率", width: 54, align: "center", wraps: false },
  { key: "tax", title: "税额", width: 58, align: "right", wraps: false },
];

/** The 价税合计 band: a label cell, the capitals, the figures. */
export const TOTAL_BAND = { height: 24, labelWidth: 104, figuresWidth: 170 } as const;

export const REMARKS_MIN_HEIGHT = 44;

/** Type sizes in points, and the smallest a text may shrink to before its box grows instead. */
export const TYPE = {
  title: 18,
  field: 9,
  label: 9,
  value: 9.5,
  cell: 8.5,
  minimum: 6,
  /**
   * Figures never wrap (a number broken over two lines is misread), so they may shrink further: a quantity
   * of 9 digits and 8 decimals still fits its column.
   */
  figureMinimum: 4.5,
} as const;
