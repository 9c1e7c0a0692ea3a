import { createHash } from "node:crypto";

import { canonicalBytes } from "./canonical-json";

/** SHA-256 of a value's canonical JSON (bigints as digit strings): "is this the same request body?" */
export function fingerprint(value: unknown): string {
  const plain = JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as unknown;
  return createHash("sha256").update(canonicalBytes(plain)).digest("hex");
}
