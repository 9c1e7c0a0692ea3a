import { expect } from "chai";

import { LEDGER_BOUNDS } from "../../api/domain/ledger-bounds";
import { issueYearOf, parseNumber, prefixMatches, printedNumber } from "../../api/domain/printed-number";

const form = { region: "44", channel: "1" };

describe("printed invoice numbers (20 digits: year, region, channel, 15-digit sequence)", () => {
  it("prints the year of issue in China Standard Time, the configured region and channel, and the ledger's number in 15 digits", () => {
    expect(printedNumber(42n, "2026-11-25T04:12:09.512Z", form)).to.equal("26441000000000000042");
    expect(printedNumber(LEDGER_BOUNDS.number, "2026-11-25T04:12:09Z", { region: "31", channel: "9" })).to.equal(`26319${LEDGER_BOUNDS.number.toString().padStart(15, "0")}`);
    // 16:00 UTC on New Year's Eve is already midnight in Beijing: the next year.
    expect(issueYearOf("2026-12-31T15:59:59.999Z")).to.equal("26");
    expect(issueYearOf("2026-12-31T16:00:00.000Z")).to.equal("27");
    expect(printedNumber(1n, "2100-06-01T00:00:00Z", form).slice(0, 2)).to.equal("00");
    expect(() => printedNumber(LEDGER_BOUNDS.number + 1n, "2026-11-25T00:00:00Z", form)).to.throw(RangeError);
  });

  it("reads the printed form and the ledger's own number, and nothing else", () => {
    expect(parseNumber("26441000000000000042")).to.deep.equal({ sequence: 42n, printed: { year: "26", region: "44", channel: "1", text: "26441000000000000042" } });
    expect(parseNumber("42")).to.deep.equal({ sequence: 42n });
    expect(parseNumber(LEDGER_BOUNDS.number.toString())).to.deep.equal({ sequence: LEDGER_BOUNDS.number });
    for (const bad of ["", "0x2a", "-1", "4 2", "１２", (LEDGER_BOUNDS.number + 1n).toString(), "12345678901234", "2644100000000000004", "264410000000000000420", `26441${"9".repeat(15)}`]) {
      expect(parseNumber(bad), bad).to.equal(undefined);
    }
  });

  it("matches a printed number only to the prefix printed for that document", () => {
    const issuedAt = "2026-11-25T04:12:09.512Z";
    expect(prefixMatches(parseNumber("26441000000000000042")!, issuedAt, form)).to.equal(true);
    expect(prefixMatches(parseNumber("42")!, issuedAt, form)).to.equal(true);
    for (const altered of ["25441000000000000042", "26451000000000000042", "26442000000000000042"]) {
      expect(prefixMatches(parseNumber(altered)!, issuedAt, form), altered).to.equal(false);
    }
  });
});
