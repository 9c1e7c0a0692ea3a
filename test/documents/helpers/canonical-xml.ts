import { validateXML } from "xmllint-wasm";

/**
 * What libxml2 reads in a file, written back as Canonical XML (C14N 1.0): the exact way to check that text
 * reads back as it was written. (xmlbuilder2's own reader, used by ubl-tree.ts for structure, decodes references
 * twice: "&amp;#38;" comes back as "&" instead of "&#38;".)
 */
export async function canonicalXml(xml: string): Promise<string> {
  const result = await validateXML({ xml: [{ fileName: "document.xml", contents: xml }], normalization: "c14n" });
  if (!result.valid || result.normalized === "") throw new Error(`xmllint could not read the document: ${result.rawOutput}`);
  return result.normalized;
}

/** Text as Canonical XML writes it in element content. */
export function canonicalText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#xD;");
}
