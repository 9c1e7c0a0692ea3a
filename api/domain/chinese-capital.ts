/**
 * An amount in Chinese capital numerals (大写), as the 价税合计（大写） line of an invoice prints it, so that
 * a figure cannot be altered by adding a stroke.
 *
 * Rules (会计基础工作规范, article 52), with the choices the standard leaves open made one way throughout:
 * - digits 壹贰叁肆伍陆柒捌玖 with the place words 拾佰仟 inside each group of four, 万 and 亿 after a group
 *   (up to 万亿: 9999,9999,9999,9999 yuan), 圆 after the yuan, then 角 and 分;
 * - one 零 for every run of zeros that lies between two non-zero digits, wherever the run falls: inside a group
 *   (壹仟零伍), across 万 or 亿 (壹拾万零伍佰), or across 圆 (壹佰圆零壹角, 壹拾圆零伍分). The standard lets a
 *   writer leave out the 零 where the run ends at 万 or 圆 and the next digit is a 仟 or a 角; we always write it,
 *   because an explicit 零 is the form nobody can misread and what the examples for the 圆 place show;
 * - 整 after 圆 when there are neither 角 nor 分; none after 角 or 分;
 * - less than one yuan prints its 角 and 分 alone (伍角, 伍分), nothing at all prints 零圆整;
 * - a negative amount (a red-letter credit note) is prefixed with 负.
 */

const DIGITS = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"] as const;
/** Place words inside a group of four, by position from the right. */
const PLACES = ["", "拾", "佰", "仟"] as const;
/** Largest amount that has a name with 万 and 亿 alone: below 1 亿亿 yuan (10^16 yuan, 10^18 fen). */
const LIMIT_FEN = 10n ** 18n;

export function capitalAmount(fen: bigint): string {
  if (typeof fen !== "bigint") throw new TypeError("capitalAmount takes a bigint of fen");
  const negative = fen < 0n;
  const magnitude = negative ? -fen : fen;
  if (magnitude >= LIMIT_FEN) throw new RangeError("capitalAmount names amounts below 10^16 yuan");
  if (magnitude === 0n) return "零圆整";

  // The digits from the highest yuan place down to the fen, each with the words that follow it.
  const yuan = magnitude / 100n;
  const yuanDigits = yuan === 0n ? "" : yuan.toString();
  const cents = (magnitude % 100n).toString().padStart(2, "0");
  // `after` follows the digit when it is not zero; `closes` (圆, 万, 亿) follows the place whatever its digit.
  const positions: { digit: number; after: string; closes: string }[] = [];
  for (let i = 0; i < yuanDigits.length; i++) {
    const place = yuanDigits.length - 1 - i; // 0 = the yuan place
    positions.push({ digit: Number(yuanDigits[i]), after: PLACES[place % 4]!, closes: groupWord(yuanDigits, place) });
  }
  positions.push({ digit: Number(cents[0]), after: "角", closes: "" }, { digit: Number(cents[1]), after: "分", closes: "" });

  let text = "";
  let seenNonZero = false;
  let zeroPending = false;
  for (const { digit, after, closes } of positions) {
    if (digit === 0) {
      if (seenNonZero) zeroPending = true;
    } else {
      if (zeroPending) text += "零";
      zeroPending = false;
      seenNonZero = true;
      text += DIGITS[digit]! + after;
    }
    text += closes;
  }
  if (cents === "00") text += "整";
  return (negative ? "负" : "") + text;
}

/**
 * The word that closes the group ending at `place` (counted from the yuan place, of a number with at most 16
 * digits): 圆 at the yuan place; 万 at the 万 and 万亿 places when their group of four has a non-zero digit; 亿 at
 * the 亿 place when anything at or above it is non-zero (壹万亿: the 亿 group is all zeros, the 亿 is still said).
 */
function groupWord(yuanDigits: string, place: number): string {
  if (place === 0) return "圆";
  if (place % 4 !== 0) return "";
  const end = yuanDigits.length - place; // this place's digit is at end - 1
  if (place === 8) return /[1-9]/.test(yuanDigits.slice(0, end)) ? "亿" : "";
  return /[1-9]/.test(yuanDigits.slice(Math.max(0, end - 4), end)) ? "万" : "";
}
