import type { ErrorCode, ErrorParams } from "./error-params";
import type { FieldIssue, IssueLocation } from "./field-issue";
import type { Language } from "./language";
import type { CreditNoteStatusName, InvoiceStateName, ParticipantStatusName, RoleName } from "./values";

/** A message for each error code, as a function of the details that code carries. */
export type ErrorMessages = { readonly [C in ErrorCode]: (params: ErrorParams[C]) => string };

/** Words and formats shared by the messages, and by the verification page and console that will reuse them. */
export interface Terms {
  invoiceState: Readonly<Record<InvoiceStateName, string>>;
  creditNoteStatus: Readonly<Record<CreditNoteStatusName, string>>;
  participantStatus: Readonly<Record<ParticipantStatusName, string>>;
  role: Readonly<Record<RoleName, string>>;
  /** An amount in fen, as the language writes money: "CNY 1,234.56", "1,234.56 元". */
  money(fen: unknown): string;
  /** A tax period YYYYMM: "2026-11", "2026年11月". */
  period(yyyymm: unknown): string;
  /** Where a refused field is: "body.items.0.tax", "请求体字段 items.0.tax". */
  location(where: IssueLocation, path: string): string;
}

/**
 * One language's catalogue. `errors` is typed by code, so a code without a message (or a message for no code)
 * does not compile; `issue` words one refused field; `fallback` is what an answer says if a template ever
 * failed on details it was not written for (the code, at least).
 */
export interface MessageCatalogue {
  readonly language: Language;
  readonly errors: ErrorMessages;
  readonly terms: Terms;
  issue(issue: FieldIssue): string;
  fallback(code: string): string;
}
