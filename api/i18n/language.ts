/**
 * The languages the API's messages are written in. Everything a person reads (error messages today; the
 * verification page and the console later) comes from one catalogue per language; codes, statuses and
 * details never depend on it.
 */
export const LANGUAGES = ["en", "zh-CN"] as const;

export type Language = (typeof LANGUAGES)[number];

/** For machine clients that send no Accept-Language: English, unless the operator configures otherwise. */
export const DEFAULT_LANGUAGE: Language = "en";

/** The language a configured name means ("en", "zh-CN", any case), or undefined for anything else. */
export function languageNamed(name: string): Language | undefined {
  return LANGUAGES.find((language) => language.toLowerCase() === name.trim().toLowerCase());
}
