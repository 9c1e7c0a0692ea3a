import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { validateXML } from "xmllint-wasm";

/**
 * Validation against the OASIS UBL 2.1 schemas (xsd/maindoc with every xsd/common file they include), read in
 * place from the vendored copy beside the repository (shared/vendor/ubl-2.1, never copied into it), by libxml2's
 * xmllint compiled to WebAssembly.
 */
const XSD_DIR = join(resolve(__dirname, "..", "..", ".."), "..", "shared", "vendor", "ubl-2.1", "xsd");
const MAIN = { Invoice: "UBL-Invoice-2.1.xsd", CreditNote: "UBL-CreditNote-2.1.xsd" } as const;

let schemas: { main: Record<keyof typeof MAIN, string>; common: { fileName: string; contents: string }[] } | undefined;

function loadSchemas() {
  schemas ??= {
    main: { Invoice: readFileSync(join(XSD_DIR, "maindoc", MAIN.Invoice), "utf8"), CreditNote: readFileSync(join(XSD_DIR, "maindoc", MAIN.CreditNote), "utf8") },
    // The maindoc schemas import ../common/...: the virtual file system keeps that layout.
    common: readdirSync(join(XSD_DIR, "common"))
      .filter((file) => file.endsWith(".xsd"))
      .map((file) => ({ fileName: `common/${file}`, contents: readFileSync(join(XSD_DIR, "common", file), "utf8") })),
  };
  return schemas;
}

/** The schema errors of each document (by index), all validated against one schema in one run. */
export async function xsdErrors(documents: readonly string[], schema: keyof typeof MAIN): Promise<string[][]> {
  const { main, common } = loadSchemas();
  const result = await validateXML({
    xml: documents.map((contents, i) => ({ fileName: `document-${i}.xml`, contents })),
    schema: [{ fileName: `maindoc/${MAIN[schema]}`, contents: main[schema] }],
    preload: common,
  });
  const errors: string[][] = documents.map(() => []);
  for (const error of result.errors) {
    // Lines without a location are xmllint's context lines and its "... fails to validate" summaries.
    const index = Number(/^document-([0-9]+)\.xml$/.exec(error.loc?.fileName ?? "")?.[1] ?? "-1");
    if (index >= 0) errors[index]?.push(error.message);
  }
  // A document counts as valid only when xmllint says so in as many words.
  documents.forEach((_, i) => {
    const validates = result.rawOutput.split("\n").some((line) => line.trim() === `document-${i}.xml validates`);
    if (!validates && errors[i]?.length === 0) errors[i]?.push(`xmllint did not say document-${i}.xml validates: ${result.rawOutput}`);
    if (validates && errors[i]?.length !== 0) throw new Error(`xmllint both validated and refused document-${i}.xml: ${result.rawOutput}`);
  });
  return errors;
}

/** The schema errors of one document. */
export async function xsdErrorsOf(document: string, schema: keyof typeof MAIN): Promise<string[]> {
  return (await xsdErrors([document], schema))[0] ?? [];
}
