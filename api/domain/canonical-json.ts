import canonicalize from "canonicalize";

/**
 * The JSON Canonicalization Scheme (RFC 8785): one byte string per JSON value, whatever the key order or
 * spacing it arrived with, so that a document's commitment can be recomputed from any copy of it.
 */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value has no JSON form");
  return new TextEncoder().encode(text);
}
