import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

import ts from "typescript";

/**
 * What the API's source says about its messages, read with the TypeScript compiler (never by running it): the
 * places that make an ApiError, with their code and the names of the details they pass, and the English texts
 * the request schemas refuse fields with. test/api/api.messages.test.ts holds the catalogues against both.
 */
const ROOT = join(__dirname, "..", "..", "..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return entry.endsWith(".ts") && !entry.endsWith(".d.ts") ? [path] : [];
  });
}

function visit(file: string, each: (node: ts.Node, source: ts.SourceFile) => void): void {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const walk = (node: ts.Node) => {
    each(node, source);
    ts.forEachChild(node, walk);
  };
  walk(source);
}

const where = (node: ts.Node, source: ts.SourceFile) => `${relative(ROOT, source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;

/** One place that makes an ApiError: its code (undefined: not a literal, e.g. a helper's own parameter) and its details' names. */
export interface ErrorSite {
  at: string;
  code: string | undefined;
  /** The details' property names, sorted; undefined when they are not an object literal (a parameter passed on). */
  detailKeys: string[] | undefined;
}

/**
 * How each way of making an ApiError takes its code and details: `code` a fixed code or the index of the
 * argument that is one; `details` the index of the details argument (none: the error has none).
 */
const MAKERS: Readonly<Record<string, { kind: "new" | "call"; code: string | number; details?: number }>> = {
  ApiError: { kind: "new", code: 1, details: 3 },
  StoreCorruptedError: { kind: "new", code: "STORE_CORRUPTED", details: 1 },
  StorageUnavailableError: { kind: "new", code: "STORAGE_UNAVAILABLE" },
  ParticipantBarred: { kind: "new", code: 1 },
  unauthenticated: { kind: "call", code: "UNAUTHENTICATED" },
  forbidden: { kind: "call", code: "FORBIDDEN", details: 1 },
  notFound: { kind: "call", code: "NOT_FOUND", details: 1 },
  conflict: { kind: "call", code: 0, details: 2 },
  unprocessable: { kind: "call", code: 0, details: 2 },
  chainUnavailable: { kind: "call", code: "LEDGER_UNAVAILABLE" },
  keystoreKeyMismatch: { kind: "call", code: "KEYSTORE_KEY_MISMATCH", details: 0 },
  indexAheadOfChain: { kind: "call", code: "INDEX_AHEAD_OF_CHAIN", details: 0 },
};

function keysOf(node: ts.Expression | undefined): string[] | undefined {
  if (node === undefined) return [];
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  const keys: string[] = [];
  for (const property of node.properties) {
    if ((ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) keys.push(property.name.text);
    else return undefined; // a spread: not known here
  }
  return keys.sort();
}

/** Every place in api/ (outside the catalogues) that makes an ApiError. */
export function errorSites(): ErrorSite[] {
  const sites: ErrorSite[] = [];
  for (const file of tsFiles(join(ROOT, "api")).filter((path) => !path.includes(`${join("api", "i18n")}`))) {
    visit(file, (node, source) => {
      if (!ts.isNewExpression(node) && !ts.isCallExpression(node)) return;
      const callee = node.expression;
      if (!ts.isIdentifier(callee)) return;
      const maker = MAKERS[callee.text];
      if (maker === undefined || (maker.kind === "new") !== ts.isNewExpression(node)) return;
      const args = node.arguments ?? ts.factory.createNodeArray<ts.Expression>();
      const codeArg = typeof maker.code === "number" ? args[maker.code] : undefined;
      const code = typeof maker.code === "string" ? maker.code : codeArg !== undefined && ts.isStringLiteral(codeArg) ? codeArg.text : undefined;
      sites.push({ at: where(node, source), code, detailKeys: maker.details === undefined ? [] : keysOf(args[maker.details]) });
    });
  }
  return sites;
}

/** A message as its template: literal text, each `${...}` as {}; a conditional gives both branches. */
function templatesOf(node: ts.Node | undefined): string[] {
  if (node === undefined) return [];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text + node.templateSpans.map((span) => `{}${span.literal.text}`).join("")];
  if (ts.isConditionalExpression(node)) return [...templatesOf(node.whenTrue), ...templatesOf(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return templatesOf(node.expression);
  return [];
}

/** {name} placeholders as {}: how a catalogue's English template compares with a source template. */
export const normalized = (template: string) => template.replace(/\{[A-Za-z]+\}/g, "{}");

/** Checks whose message is their second argument, and constructors whose message is their first (`z.string("...")`). */
const MESSAGE_SECOND = new Set(["regex", "refine", "min", "max", "length", "gt", "gte", "lt", "lte", "startsWith", "endsWith", "includes", "multipleOf"]);
const MESSAGE_FIRST = new Set(["int", "nonempty", "positive", "negative", "nonnegative", "nonpositive", "string", "number", "bigint", "boolean", "array", "object", "strictObject"]);
/** Object properties that hold a message: zod's `message` and `error` in the options of a check or an issue, validate.ts's `reason`. */
const MESSAGE_PROPERTIES = new Set(["message", "error"]);
const TAKES_OPTIONS = new Set([...MESSAGE_SECOND, ...MESSAGE_FIRST, "addIssue", "superRefine", "union", "discriminatedUnion", "enum", "literal", "custom", "pipe"]);
/** An object literal given to one of zod's checks or to addIssue (not, say, an example answer of the OpenAPI document). */
const isZodOptions = (node: ts.Node) =>
  ts.isObjectLiteralExpression(node) && ts.isCallExpression(node.parent) && ts.isPropertyAccessExpression(node.parent.expression) && TAKES_OPTIONS.has(node.parent.expression.name.text);
/** Helpers of the schemas that fill an English fragment into their messages, and which argument it is. */
const FRAGMENT_HELPERS: Readonly<Record<string, number>> = { unsignedInteger: 1, digitString: 1, commaList: 2, count: 2 };

/** The files whose texts reach `details.issues[].message`: the schemas, the routes, validate.ts and the search cursor. */
const TEXT_FILES = () => [
  ...tsFiles(join(ROOT, "api", "http", "schemas")),
  ...tsFiles(join(ROOT, "api", "http", "routes")),
  join(ROOT, "api", "http", "route.ts"),
  join(ROOT, "api", "http", "validate.ts"),
  join(ROOT, "api", "services", "search-cursor.ts"),
];

/** Every English text a request can be refused with (as templates), and every English fragment filled into one. */
export function schemaTexts(): { texts: Map<string, string>; fragments: Map<string, string> } {
  const texts = new Map<string, string>();
  const fragments = new Map<string, string>();
  const add = (into: Map<string, string>, node: ts.Node | undefined, source: ts.SourceFile) => {
    for (const template of templatesOf(node)) if (!into.has(template)) into.set(template, where(node!, source));
  };
  for (const file of TEXT_FILES()) {
    visit(file, (node, source) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isPropertyAccessExpression(callee)) {
          const name = callee.name.text;
          const message = MESSAGE_SECOND.has(name) ? node.arguments[1] : MESSAGE_FIRST.has(name) && (name !== "string" || (ts.isIdentifier(callee.expression) && callee.expression.text === "z")) ? node.arguments[0] : undefined;
          add(texts, message, source);
        }
        if (ts.isIdentifier(callee) && callee.text === "invalidCursor") add(texts, node.arguments[0], source);
        if (ts.isIdentifier(callee) && FRAGMENT_HELPERS[callee.text] !== undefined) add(fragments, node.arguments[FRAGMENT_HELPERS[callee.text]!], source);
      }
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && MESSAGE_PROPERTIES.has(node.name.text) && isZodOptions(node.parent)) add(texts, node.initializer, source);
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === "reason" && source.fileName.endsWith(join("http", "validate.ts"))) add(texts, node.initializer, source);
      // A schema helper's message kept in a variable (reports.ts: count).
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === "message" && source.fileName.includes(join("http", "schemas"))) add(texts, node.initializer, source);
    });
  }
  return { texts, fragments };
}
