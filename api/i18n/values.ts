/**
 * What the message templates read out of an answer's details, language-neutral: details come from JSON-minded
 * code (contract error arguments as decimal strings, enums as their index, taxpayer IDs as bytes18 hex), and a
 * template must say something sensible whatever it is given, never "undefined".
 */

/** The ledger's enums, in the contracts' order (IInvoiceLedger.State, CreditNoteStatus; IParticipantRegistry.Status, Role). */
export const INVOICE_STATES = ["None", "Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"] as const;
export const CREDIT_NOTE_STATUSES = ["None", "Pending", "Effective", "Cancelled"] as const;
export const PARTICIPANT_STATUSES = ["None", "Active", "Suspended", "Revoked"] as const;
/** The registry's Role enum, as the API names the roles (the bureau is not a registry role). */
export const REGISTRY_ROLES = ["none", "merchant", "enterprise", "individual"] as const;
export const ROLES = ["bureau", "merchant", "enterprise", "individual"] as const;

export type InvoiceStateName = (typeof INVOICE_STATES)[number];
export type CreditNoteStatusName = (typeof CREDIT_NOTE_STATUSES)[number];
export type ParticipantStatusName = (typeof PARTICIPANT_STATUSES)[number];
export type RoleName = (typeof ROLES)[number] | "none";

/** A value as text when it is one (string, finite number, bigint), else undefined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "bigint" || (typeof value === "number" && Number.isFinite(value))) return String(value);
  return undefined;
}

/** An enum member from its index (as a number or decimal string) or its name; undefined when it is neither. */
export function enumMember<const T extends readonly string[]>(names: T, value: unknown): T[number] | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  if (/^[0-9]{1,3}$/.test(text)) return names[Number(text)];
  return names.find((name) => name.toLowerCase() === text.toLowerCase());
}

/** Fen (digits, a number or a bigint) as yuan with thousands separators and two decimals, "1,234.56"; undefined if not an amount. */
export function yuanOf(fen: unknown): string | undefined {
  const text = textOf(fen);
  if (text === undefined || !/^[0-9]{1,30}$/.test(text)) return undefined;
  const padded = text.padStart(3, "0");
  const whole = padded.slice(0, -2).replace(/^0+(?=[0-9])/, "");
  return `${whole.replace(/\B(?=([0-9]{3})+(?![0-9]))/g, ",")}.${padded.slice(-2)}`;
}

/** A tax period YYYYMM (number or digits) as { year, month }; undefined if it is not one. */
export function periodOf(value: unknown): { year: number; month: number } | undefined {
  const text = textOf(value);
  if (text === undefined || !/^[0-9]{6}$/.test(text)) return undefined;
  const month = Number(text.slice(4));
  return month >= 1 && month <= 12 ? { year: Number(text.slice(0, 4)), month } : undefined;
}

/**
 * A taxpayer ID as printed: the text itself, or decoded from the bytes18 hex a contract error carries
 * ("0x3931..." -> "91..."); undefined if it is neither.
 */
export function taxpayerIdOf(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{36}$/.test(text)) return text;
  // By hand rather than with Buffer: the catalogues are meant to run in a browser too.
  const decoded = String.fromCharCode(...(text.slice(2).match(/../g) ?? []).map((byte) => parseInt(byte, 16)));
  return /^[0-9A-Z]{18}$/.test(decoded) ? decoded : text;
}

/** A list of strings, or undefined when `value` is not a non-empty array of them. */
export function listOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const items = value.map(textOf);
  return items.every((item): item is string => item !== undefined) ? items : undefined;
}

/** Whether every value is there to be shown (a template's full sentence, else its shorter one). */
export const present = (...values: unknown[]): boolean => values.every((value) => textOf(value) !== undefined);
