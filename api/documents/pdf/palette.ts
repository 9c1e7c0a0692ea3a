/**
 * Colours of the printed form. A blue-letter (ordinary) invoice prints its frame, title and labels in the
 * brown of China's e-invoices; a red-letter credit note (红字发票) prints them in red, so that it cannot be
 * mistaken for an invoice at a glance. What was filled in (names, figures) is black on both.
 */
export interface Palette {
  form: string;
  text: string;
}

const BROWN = "#9a5428";
const RED = "#d0021b";
const BLACK = "#1a1a1a";

export function paletteFor(redLetter: boolean): Palette {
  return { form: redLetter ? RED : BROWN, text: BLACK };
}
