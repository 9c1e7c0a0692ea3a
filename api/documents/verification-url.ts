/**
 * The address an invoice's QR code carries: the public verification page with what is printed on the invoice
 * (number, check code, total in fen). On the buyer's copy the claim code follows in the fragment, which a
 * browser never sends to a server (RFC 3986 §3.5): only the page's script reads it, to offer the claim.
 */
export function verificationUrl(publicUrl: string, printed: { printedNumber: string; checkCode: string; total: string }, claimCode?: string): string {
  const query = new URLSearchParams({ number: printed.printedNumber, checkCode: printed.checkCode, total: printed.total });
  const fragment = claimCode === undefined ? "" : `#claim=${claimCode.replace(/^0x/, "")}`;
  return `${publicUrl}/verify?${query.toString()}${fragment}`;
}
