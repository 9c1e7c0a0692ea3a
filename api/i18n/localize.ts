import type { MessageCatalogue } from "./catalogue";
import type { ErrorCode, ErrorParams } from "./error-params";
import type { Language } from "./language";
import { catalogue as en } from "./messages.en";
import { catalogue as zhCN } from "./messages.zh-CN";

/**
 * The lookup: the catalogue of a language, and an error's message in it. The API's error handler calls
 * `errorMessage` with the code and details it answers with; the verification page and the console can do the
 * same with an answer they hold (or take `catalogueOf(language).terms` for their own words).
 */
export const CATALOGUES: Readonly<Record<Language, MessageCatalogue>> = { en, "zh-CN": zhCN };

export const catalogueOf = (language: Language): MessageCatalogue => CATALOGUES[language];

export const isErrorCode = (code: string): code is ErrorCode => Object.prototype.hasOwnProperty.call(en.errors, code);

/** A typed message: the code's template with the params its details carry. */
export function messageOf<C extends ErrorCode>(language: Language, code: C, params: ErrorParams[C]): string {
  return (CATALOGUES[language].errors[code] as (params: ErrorParams[C]) => string)(params);
}

/**
 * The message of an answer as it goes out, for any code and details: what the code's template makes of the
 * details, or, should a template ever fail on details it was not written for, the catalogue's fallback naming
 * the code. Never throws: it runs in the error handler.
 */
export function errorMessage(language: Language, code: string, details: Readonly<Record<string, unknown>>): string {
  const catalogue = CATALOGUES[language];
  if (!isErrorCode(code)) return catalogue.fallback(code);
  try {
    const message = (catalogue.errors[code] as (params: Readonly<Record<string, unknown>>) => string)(details);
    return typeof message === "string" && message !== "" ? message : catalogue.fallback(code);
  } catch {
    return catalogue.fallback(code);
  }
}
