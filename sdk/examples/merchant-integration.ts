import { createEInvoiceClient, isEInvoiceApiError, iterateInvoices } from "../src";

/** A merchant's system: issue an invoice for an order, read it back, list the day's invoices, refund it. */
export async function merchantIntegration(config: { baseUrl: string; apiKey: string; orderNumber: string; buyerTaxpayerId: string }) {
  const client = createEInvoiceClient({ baseUrl: config.baseUrl, apiKey: config.apiKey });

  // Issue: the order number is the reference, so a retry after a time-out returns the same invoice.
  const issued = await client.issueInvoice({
    body: {
      reference: config.orderNumber,
      buyer: { type: "organisation", name: "深圳市示例科技有限公司", taxpayerId: config.buyerTaxpayerId },
      // Money is integer fen, as digit strings: 2 x CNY 50.00 at 13 % VAT.
      items: [{ name: "工作餐", quantity: "2", unitPrice: "5000", amount: "10000", taxRate: 13, tax: "1300" }],
    },
    idempotencyKey: `issue-${config.orderNumber}`,
  });
  const invoice = await client.getInvoice({ params: { id: issued.invoice.id } });

  // Every invoice still open, page after page (the iterator follows nextCursor).
  let open = 0;
  for await (const listed of iterateInvoices(client.transport, { query: { state: "Issued", limit: "100" } })) if (listed.state === "Issued") open += 1;

  // The same reference with other contents is refused with a typed error.
  let refusedWith: string | undefined;
  try {
    await client.issueInvoice({ body: { reference: config.orderNumber, buyer: { type: "individual", name: "张三" }, items: [{ name: "饮料", quantity: "1", unitPrice: "300", amount: "300", taxRate: 13, tax: "39" }] } });
  } catch (error) {
    if (!isEInvoiceApiError(error, "DUPLICATE_REFERENCE")) throw error;
    refusedWith = `${error.code} (HTTP ${error.status}, request ${error.requestId ?? "?"})`;
  }

  // A refund: a red-letter credit note for the whole invoice.
  const reversal = await client.reverseInvoice({ params: { id: invoice.id }, body: { reference: `${config.orderNumber}-refund`, reason: "sales-return" } });
  return { invoice, open, refusedWith, creditNote: reversal.creditNote, stateAfterRefund: reversal.invoice.state };
}
