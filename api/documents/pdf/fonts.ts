import { readFile } from "node:fs/promises";

/**
 * The fonts an invoice PDF is set in: Noto Sans SC (SIL Open Font License) from its npm package, for the
 * Chinese text and the Latin and figures alike, so that no font of the reader's system and none of the 14
 * standard PDF fonts is ever needed. pdfkit embeds a subset of each: only the glyphs the page uses, some
 * tens of kilobytes instead of the 10 MB files.
 */
export interface InvoiceFonts {
  regular: Buffer;
  bold: Buffer;
}

/** The names pdfkit knows the fonts by inside one document. */
export const FONT = { regular: "NotoSansSC-Regular", bold: "NotoSansSC-Bold" } as const;

const PACKAGE = "@expo-google-fonts/noto-sans-sc";

/** Where the TrueType files are, found the way Node finds the package (no path into node_modules written down). */
export function fontPaths(): { regular: string; bold: string } {
  return {
    regular: require.resolve(`${PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`),
    bold: require.resolve(`${PACKAGE}/700Bold/NotoSansSC_700Bold.ttf`),
  };
}

/**
 * Reads both files, about 10 MB each. renderInvoicePdf reads them for each document unless it is handed them:
 * a server that renders many can load them once and pass them in (20 MB held, ~30 ms saved per document).
 */
export async function loadInvoiceFonts(): Promise<InvoiceFonts> {
  const paths = fontPaths();
  const [regular, bold] = await Promise.all([readFile(paths.regular), readFile(paths.bold)]);
  return { regular, bold };
}
