/**
 * Text as XML 1.0 can carry it. Names, specifications and remarks reach us as any JSON string, and XML 1.0 has
 * no way at all to write most control characters or a lone surrogate (not even as a character reference), so
 * each is replaced by U+FFFD REPLACEMENT CHARACTER: the file stays well-formed and shows where something was.
 * Line ends become "\n", as every XML reader would read them anyway: what we write is what is read.
 */
const NOT_XML_CHAR = /[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(NOT_XML_CHAR, "\uFFFD");
}
