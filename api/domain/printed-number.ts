import { chinaDate } from "./china-date";
import { LEDGER_BOUNDS } from "./ledger-bounds";

/**
 * The invoice number people read, in the 20-digit form of China's fully digitalised e-invoices (数电发票号码):
 *
 *   YY RR C SSSSSSSSSSSSSSS
 *   |  |  | └ 15 digits: the ledger's gapless number (invoices and credit notes share one sequence)
 *   |  |  └ 1 digit: the issuing channel (configuration; this ledger's API)
 *   |  └ 2 digits: the region code of the tax authority (configuration, e.g. 44 for Guangdong, Shenzhen included)
 *   └ 2 digits: the year of issue in China Standard Time, as printed in the issue date (开票日期)
 *
 * The ledger's number alone names the invoice; the prefix says where and when it was issued, and a printed
 * number whose prefix is not the one this ledger printed names nothing (a verification answers not authentic).
 */
export interface NumberForm {
  /** Two digits. */
  region: string;
  /** One digit. */
  channel: string;
}

export const PRINTED_NUMBER_DIGITS = 20;
const SEQUENCE_DIGITS = 15;

/** What a person typed or scanned as an invoice number: the ledger's number, or the printed form. */
export interface NumberInput {
  sequence: bigint;
  /** Present when the input was the 20-digit printed form: its prefix, to be checked against the document. */
  printed?: { year: string; region: string; channel: string; text: string };
}

export function isNumberForm(form: NumberForm): boolean {
  return /^[0-9]{2}$/.test(form.region) && /^[0-9]$/.test(form.channel);
}

/** The two-digit year of an instant in China Standard Time. */
export function issueYearOf(issuedAt: string | Date): string {
  return chinaDate(typeof issuedAt === "string" ? issuedAt : issuedAt.toISOString()).slice(2, 4);
}

export function printedNumber(sequence: bigint, issuedAt: string | Date, form: NumberForm): string {
  if (sequence < 0n || sequence > LEDGER_BOUNDS.number) throw new RangeError(`no ledger number ${sequence}`);
  return `${issueYearOf(issuedAt)}${form.region}${form.channel}${sequence.toString().padStart(SEQUENCE_DIGITS, "0")}`;
}

/**
 * Reads a number as given: the 20-digit printed form, or the ledger's own number (at most 13 digits, which
 * no printed number is, so the two cannot be confused). Undefined when it is neither.
 */
const PRINTED = new RegExp(`^[0-9]{${PRINTED_NUMBER_DIGITS}}$`);
const LEDGER = new RegExp(`^[0-9]{1,${LEDGER_BOUNDS.number.toString().length}}$`);

export function parseNumber(text: string): NumberInput | undefined {
  if (PRINTED.test(text)) {
    const sequence = BigInt(text.slice(PRINTED_NUMBER_DIGITS - SEQUENCE_DIGITS));
    if (sequence > LEDGER_BOUNDS.number) return undefined;
    return { sequence, printed: { year: text.slice(0, 2), region: text.slice(2, 4), channel: text.slice(4, 5), text } };
  }
  if (!LEDGER.test(text)) return undefined;
  const sequence = BigInt(text);
  return sequence > LEDGER_BOUNDS.number ? undefined : { sequence };
}

/** Whether a printed prefix is the one this ledger printed for a document issued at `issuedAt`. */
export function prefixMatches(input: NumberInput, issuedAt: string, form: NumberForm): boolean {
  return input.printed === undefined || input.printed.text === printedNumber(input.sequence, issuedAt, form);
}
