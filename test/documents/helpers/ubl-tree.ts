import { create } from "xmlbuilder2";

/**
 * A UBL file as a plain tree, parsed by xmlbuilder2 (its DOM, walked through childNodes: the DOM's `children`
 * lists descendants in the version we have). The EN 16931 rules (en16931-rules.ts) read it, and tests damage
 * copies of it to show that each rule can fail.
 */
export const UBL_NS = {
  Invoice: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
  CreditNote: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
  cac: "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
  cbc: "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
} as const;

export interface UblElement {
  /** "cbc:ID", "cac:Party"; the root is "Invoice" or "CreditNote". */
  name: string;
  attributes: Record<string, string>;
  /** The element's own text (its text children, joined). */
  text: string;
  children: UblElement[];
}

interface DomNode {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  data?: string;
  childNodes: Iterable<DomNode>;
  attributes?: Iterable<{ localName: string; value: string }>;
}

const PREFIXES: Record<string, string> = { [UBL_NS.cac]: "cac", [UBL_NS.cbc]: "cbc", [UBL_NS.Invoice]: "", [UBL_NS.CreditNote]: "" };

export function parseUbl(xml: string): UblElement {
  const root = create(xml).root().node as unknown as DomNode;
  return toElement(root);
}

function toElement(node: DomNode): UblElement {
  const prefix = PREFIXES[node.namespaceURI ?? ""];
  if (prefix === undefined) throw new Error(`an element outside the UBL namespaces: {${node.namespaceURI ?? ""}}${node.localName ?? ""}`);
  const attributes: Record<string, string> = {};
  for (const attribute of node.attributes ?? []) attributes[attribute.localName] = attribute.value;
  let text = "";
  const children: UblElement[] = [];
  for (const child of node.childNodes) {
    if (child.nodeType === 1) children.push(toElement(child));
    else if (child.nodeType === 3 || child.nodeType === 4) text += child.data ?? "";
  }
  return { name: prefix === "" ? (node.localName ?? "") : `${prefix}:${node.localName ?? ""}`, attributes, text: children.length === 0 ? text : text.trim(), children };
}

/** The elements at `path` ("cac:A/cac:B/cbc:C") below `from`, in document order. */
export function all(from: UblElement, path: string): UblElement[] {
  let found = [from];
  for (const step of path.split("/")) found = found.flatMap((element) => element.children.filter((child) => child.name === step));
  return found;
}

/** The first element at `path`, or undefined. */
export function first(from: UblElement, path: string): UblElement | undefined {
  return all(from, path)[0];
}

/** The trimmed text at `path`, "" when absent (as XPath's normalize-space of an empty sequence). */
export function textAt(from: UblElement, path: string): string {
  return first(from, path)?.text.trim() ?? "";
}

/** A deep copy to damage. */
export function copyOf(element: UblElement): UblElement {
  return { name: element.name, attributes: { ...element.attributes }, text: element.text, children: element.children.map(copyOf) };
}
