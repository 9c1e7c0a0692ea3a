/**
 * What the QR code on an invoice carries, read back: the public verification page's address
 * `<origin>/verify?number=…&checkCode=…&total=…`, and on the buyer's copy the claim code in the fragment
 * (`#claim=<64 hex digits>`), which a browser never sends to a server (api/documents/verification-url.ts writes
 * it). Only reading: whether the parts are right is the API's to say when the claim is sent.
 *
 * Pure (no DOM), so the tests read it too.
 */
export interface ClaimLink {
  number: string;
  checkCode: string;
  /** Absent on a copy without the claim code (the seller's, or one printed for verification only). */
  claimCode?: string;
  /** The total in fen, as printed. */
  total?: string;
}

/** The parts of an invoice's QR address, or undefined when the text is not one (no /verify page, no number). */
export function parseClaimLink(text: string): ClaimLink | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (!/\/verify\/?$/.test(url.pathname)) return undefined;
  const number = url.searchParams.get("number")?.trim();
  const checkCode = url.searchParams.get("checkCode")?.trim();
  if (!number || !checkCode) return undefined;
  const claimCode = new URLSearchParams(url.hash.replace(/^#/, "")).get("claim")?.trim();
  const total = url.searchParams.get("total")?.trim();
  return { number, checkCode, ...(claimCode ? { claimCode } : {}), ...(total ? { total } : {}) };
}

/** A code as a person types or copies it (grouped by spaces or dashes, a line break from a copy): its characters only. */
export const compact = (text: string): string => text.replace(/[\s-]+/g, "");
