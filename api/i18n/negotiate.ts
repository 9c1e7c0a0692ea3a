import type { Language } from "./language";

/**
 * The language to answer in, from an Accept-Language header (RFC 9110 §12.5.4, with q-values): the first
 * range by preference (highest q, then as written) that is Chinese (`zh`, `zh-CN`, `zh-TW`, `zh-Hans`, ...:
 * zh-CN, the only Chinese catalogue) or English (`en`, `en-GB`, ...). A range of q=0 is refused, `*` and
 * anything else are left to `fallback`, and so is a missing or empty header (machine clients). No dependency on
 * Express: the verification page and the console pick their language with the same function.
 */
export function languageFor(acceptLanguage: string | undefined, fallback: Language): Language {
  if (acceptLanguage === undefined) return fallback;
  const ranges = acceptLanguage
    .split(",")
    .slice(0, 32)
    .map((part, order) => {
      const [tag = "", ...parameters] = part.split(";").map((piece) => piece.trim());
      const q = parameters.map((parameter) => /^q\s*=\s*([01](?:\.[0-9]{0,3})?)$/i.exec(parameter)).find((match) => match !== null);
      return { tag: tag.toLowerCase(), q: q === undefined || q === null ? 1 : Number(q[1]), order };
    })
    .filter((range) => range.tag !== "" && range.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranges) {
    if (tag === "*") return fallback;
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return fallback;
}
