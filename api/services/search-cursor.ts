import { createHmac, timingSafeEqual } from "node:crypto";

import { z } from "zod";

import type { InvoiceSortKey, KeysetPosition } from "../db/invoices";
import { ApiError } from "../errors";

/**
 * The opaque `cursor` of a search: base64url of the last row's sort key and number, with a tag (HMAC-SHA256,
 * 128 bits, under a key derived from the keystore's) over them and over what the cursor is for: the viewer, the
 * sort and the filters. A cursor that does not decode, was altered, or is sent with another query, another sort
 * or by another party is 400 INVALID_CURSOR: it can only ever say where a page of the same search starts.
 * (Altering one could not widen what a party sees, since the party's own restriction is applied to every page;
 * the tag keeps a client from paging on a position no answer gave it.)
 */
export interface CursorCodec {
  encode(position: KeysetPosition, sort: InvoiceSortKey, scope: string): string;
  /** The position a cursor gives for `sort` and `scope`; throws INVALID_CURSOR. */
  decode(cursor: string, sort: InvoiceSortKey, scope: string): KeysetPosition;
}

const VERSION = 1;
const TAG_BYTES = 16;
/** Far more than a cursor of this API takes (about 150 characters). */
const MAX_LENGTH = 512;
const DIGITS = /^(0|[1-9][0-9]{0,19})$/;
/** The largest key a position may carry: a total fits uint48 and a time in microseconds well below 2^63. */
const MAX_KEY = 2n ** 63n - 1n;
/** Invoice numbers are uint40 on chain. */
const MAX_NUMBER = 2n ** 40n - 1n;
/** Issue times in a cursor, microseconds: from 1970 to the end of 9999, as the issuedFrom/To filters take them. */
const MAX_MICROS = BigInt(Date.UTC(9999, 11, 31, 23, 59, 59, 999)) * 1000n + 999n;

const payload = z.strictObject({
  v: z.literal(VERSION),
  s: z.enum(["number", "issued_at", "total"]),
  k: z.string().regex(DIGITS),
  n: z.string().regex(DIGITS),
  t: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});

export const invalidCursor = (reason: string) =>
  new ApiError(400, "INVALID_CURSOR", `query.cursor: ${reason}; start again without a cursor`, { issues: [{ in: "query", path: "cursor", message: reason }] });

export function createCursorCodec(key: Buffer): CursorCodec {
  const tagOf = (sort: InvoiceSortKey, position: KeysetPosition, scope: string) =>
    createHmac("sha256", key).update(JSON.stringify([VERSION, sort, position.key, position.number, scope])).digest().subarray(0, TAG_BYTES);

  return {
    encode(position, sort, scope) {
      const body = { v: VERSION, s: sort, k: position.key, n: position.number, t: tagOf(sort, position, scope).toString("base64url") };
      return Buffer.from(JSON.stringify(body)).toString("base64url");
    },

    decode(cursor, sort, scope) {
      // Only the canonical spelling: Node's base64url decoder skips characters it does not know.
      if (cursor.length > MAX_LENGTH) throw invalidCursor("not a cursor of this API");
      if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor("not base64url");
      const bytes = Buffer.from(cursor, "base64url");
      if (bytes.toString("base64url") !== cursor) throw invalidCursor("not base64url");
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString("utf8"));
      } catch {
        throw invalidCursor("not a cursor of this API");
      }
      const parsed = payload.safeParse(json);
      if (!parsed.success) throw invalidCursor("not a cursor of this API");
      const { s, k, n, t } = parsed.data;
      const position = { key: k, number: n };
      const tag = Buffer.from(t, "base64url");
      const expected = tagOf(s, position, scope);
      if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) throw invalidCursor("altered, or from another search (other filters, sort or party)");
      if (s !== sort) throw invalidCursor("from a search in another order");
      // Checked although the tag holds: a position this API could not have written is never sent to the database.
      const keyValue = BigInt(k);
      if (BigInt(n) > MAX_NUMBER || keyValue > MAX_KEY || (s === "number" && k !== n) || (s === "issued_at" && keyValue > MAX_MICROS)) throw invalidCursor("not a cursor of this API");
      return position;
    },
  };
}
