import { expect } from "chai";
import fc from "fast-check";

import { capitalAmount } from "../../api/domain/chinese-capital";
import { fenOf, yuan, yuanWithSign } from "../../api/domain/yuan";

/**
 * Capital numerals (大写) as invoices print them. Known answers first (the brief's examples and the cases of
 * 会计基础工作规范 article 52), then properties over any amount the ledger can hold: the words read back to
 * the amount, and the 零 rule holds (one 零 for each run of zeros between two non-zero digits).
 */
describe("capitalAmount: amounts in Chinese capital numerals", () => {
  const known: [bigint, string][] = [
    // The brief's examples.
    [11300n, "壹佰壹拾叁圆整"],
    [1005n, "壹拾圆零伍分"],
    [100000001n, "壹佰万圆零壹分"],
    [0n, "零圆整"],
    [10010n, "壹佰圆零壹角"],
    [2000000000000n, "贰佰亿圆整"],
    [100000000050n, "壹拾亿圆零伍角"],
    // Below one yuan: no 圆, no 整.
    [1n, "壹分"],
    [50n, "伍角"],
    [55n, "伍角伍分"],
    [100n, "壹圆整"],
    [101n, "壹圆零壹分"],
    [110n, "壹圆壹角"],
    [111n, "壹圆壹角壹分"],
    // 拾 is written with its 壹, as on every invoice (not 拾圆).
    [1000n, "壹拾圆整"],
    [1500n, "壹拾伍圆整"],
    // Zeros inside a group of four: one 零 per run, none at the end.
    [100500n, "壹仟零伍圆整"],
    [100050n, "壹仟圆零伍角"],
    [100005n, "壹仟圆零伍分"],
    [1000100n, "壹万零壹圆整"],
    [1010100n, "壹万零壹佰零壹圆整"],
    [1001100n, "壹万零壹拾壹圆整"],
    [10001000n, "壹拾万零壹拾圆整"],
    [120000n, "壹仟贰佰圆整"],
    [1020300n, "壹万零贰佰零叁圆整"],
    // Across 万: the standard's own example, in the form that writes every 零.
    [10700053n, "壹拾万零柒仟圆零伍角叁分"],
    [168032n, "壹仟陆佰捌拾圆零叁角贰分"],
    [10050000n, "壹拾万零伍佰圆整"],
    // A zero in the 万 place before a 仟 digit: the standard allows leaving the 零 out; we write it.
    [10100000n, "壹拾万零壹仟圆整"],
    [11100000n, "壹拾壹万壹仟圆整"],
    [999999999n, "玖佰玖拾玖万玖仟玖佰玖拾玖圆玖角玖分"],
    // 万 and 亿 boundaries.
    [999900n, "玖仟玖佰玖拾玖圆整"],
    [1000000n, "壹万圆整"],
    [1000001n, "壹万圆零壹分"],
    [9999999900n, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖圆整"],
    [10000000000n, "壹亿圆整"],
    [10000000100n, "壹亿零壹圆整"],
    [10001000000n, "壹亿零壹万圆整"],
    [10010000000n, "壹亿零壹拾万圆整"],
    [11000000000n, "壹亿壹仟万圆整"],
    [10000010000n, "壹亿零壹佰圆整"],
    [100000000000000n, "壹万亿圆整"],
    [100010000000000n, "壹万零壹亿圆整"],
    [100000001000000n, "壹万亿零壹万圆整"],
    // The most the ledger holds for one invoice (uint48 fen).
    [281474976710655n, "贰万捌仟壹佰肆拾柒亿肆仟玖佰柒拾陆万柒仟壹佰零陆圆伍角伍分"],
    // Red-letter notes.
    [-11300n, "负壹佰壹拾叁圆整"],
    [-40002n, "负肆佰圆零贰分"],
    [-5n, "负伍分"],
  ];
  for (const [fen, words] of known) {
    it(`${fen} fen is ${words}`, () => {
      expect(capitalAmount(fen)).to.equal(words);
    });
  }

  it("names every amount up to the ledger's limit so that it reads back to the same amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 48n), max: 2n ** 48n }), (fen) => {
        expect(readCapital(capitalAmount(fen))).to.equal(fen);
      }),
      { numRuns: 3000 },
    );
  });

  it("writes one 零 for each run of zeros between two non-zero digits, and 整 exactly when there are no 角 or 分", () => {
    // Amounts with many zeros: digits drawn mostly from {0, 1}.
    const sparse = fc.array(fc.constantFrom(0, 0, 0, 1, 5), { minLength: 1, maxLength: 16 }).map((digits) => BigInt(digits.join("")));
    fc.assert(
      fc.property(sparse, (fen) => {
        const words = capitalAmount(fen);
        if (fen === 0n) return;
        // The digits from the highest place to the fen: a run of zeros "between" two non-zero digits.
        const runsBetween = fen.toString().match(/[1-9]0+(?=[1-9])/g)?.length ?? 0;
        expect([...words].filter((c) => c === "零").length, `${fen}: ${words}`).to.equal(runsBetween);
        expect(words.endsWith("整"), words).to.equal(fen % 100n === 0n);
        expect(words).not.to.match(/零零|零[圆万亿角分整]|^零/);
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses what is not a bigint, and amounts it has no words for", () => {
    expect(() => capitalAmount(113 as unknown as bigint)).to.throw(TypeError);
    expect(() => capitalAmount(10n ** 18n)).to.throw(RangeError);
    expect(() => capitalAmount(-(10n ** 18n))).to.throw(RangeError);
    expect(capitalAmount(10n ** 18n - 1n)).to.match(/^玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿/);
  });
});

describe("yuan: figures in yuan from fen", () => {
  it("writes two decimals exactly, with a minus sign on negative amounts", () => {
    expect(yuan(0n)).to.equal("0.00");
    expect(yuan(5n)).to.equal("0.05");
    expect(yuan(50n)).to.equal("0.50");
    expect(yuan(11300n)).to.equal("113.00");
    expect(yuan(-11300n)).to.equal("-113.00");
    expect(yuan(-5n)).to.equal("-0.05");
    // Beyond what a double holds exactly.
    expect(yuan(2n ** 60n + 1n)).to.equal("11529215046068469.77");
    expect(yuanWithSign(11300n)).to.equal("¥113.00");
    expect(yuanWithSign(-40002n)).to.equal("¥-400.02");
  });

  it("agrees with the digits of the fen amount on any value", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (fen) => {
        const text = yuan(fen);
        expect(text).to.match(/^-?(0|[1-9][0-9]*)\.[0-9]{2}$/);
        expect(BigInt(text.replace(".", ""))).to.equal(fen);
      }),
    );
  });

  it("reads fen only from integer digit strings", () => {
    expect(fenOf("-40002")).to.equal(-40002n);
    expect(fenOf("0")).to.equal(0n);
    for (const bad of ["", "1.5", "01", "1e3", " 1", "-", "¥1"]) expect(() => fenOf(bad), bad).to.throw(RangeError);
  });
});

/** An independent reader of capital numerals: the usual parse of Chinese numbers, 零 carrying no value. */
function readCapital(words: string): bigint {
  const DIGITS = "零壹贰叁肆伍陆柒捌玖";
  const PLACES: Record<string, bigint> = { 拾: 10n, 佰: 100n, 仟: 1000n };
  let text = words;
  const negative = text.startsWith("负");
  if (negative) text = text.slice(1);
  let yi = 0n;
  let wan = 0n;
  let section = 0n;
  let digit = 0n;
  let fen = 0n;
  for (const c of text) {
    const d = DIGITS.indexOf(c);
    if (d >= 0) digit = BigInt(d);
    else if (c in PLACES) {
      section += digit * PLACES[c]!;
      digit = 0n;
    } else if (c === "万") {
      wan = section + digit;
      section = digit = 0n;
    } else if (c === "亿") {
      yi = wan * 10_000n + section + digit;
      wan = section = digit = 0n;
    } else if (c === "圆") {
      fen += (yi * 100_000_000n + wan * 10_000n + section + digit) * 100n;
      yi = wan = section = digit = 0n;
    } else if (c === "角") {
      fen += digit * 10n;
      digit = 0n;
    } else if (c === "分") {
      fen += digit;
      digit = 0n;
    } else if (c !== "整") throw new Error(`unexpected ${c} in ${words}`);
  }
  return negative ? -fen : fen;
}
