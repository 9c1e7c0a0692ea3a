/** The 20 digits printed on an invoice or credit note when it has them, else the ledger's number. */
export const shownNumber = (invoice: { number: string; printedNumber?: string | null | undefined }): string => invoice.printedNumber ?? invoice.number;
