import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";

import { isValidTaxpayerId, TAXPAYER_ID_ALPHABET, withCheckCharacter } from "../../api/domain/taxpayer-id";
import type { LibraryHarness } from "../../typechain-types";
import { taxpayerIdBytes } from "./helpers/documents";

/** YYYYMM of a Unix time in China Standard Time, computed by JavaScript's own calendar. */
function periodInChina(seconds: number): number {
  const d = new Date((seconds + 8 * 3600) * 1000);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
}

describe("Libraries", () => {
  let harness: LibraryHarness;
  before(async () => {
    harness = await ethers.deployContract("LibraryHarness");
  });

  describe("TaxPeriods", () => {
    it("puts a timestamp in the month it falls in, in China Standard Time", async () => {
      // 2026-11-30T16:00:00Z is already December 1st in Shenzhen.
      expect(await harness.periodOf(Date.UTC(2026, 10, 30, 15, 59, 59) / 1000)).to.equal(202611n);
      expect(await harness.periodOf(Date.UTC(2026, 10, 30, 16, 0, 0) / 1000)).to.equal(202612n);
      expect(await harness.periodOf(Date.UTC(2028, 1, 29, 12) / 1000)).to.equal(202802n);
      expect(await harness.periodOf(0)).to.equal(197001n);
    });

    it("agrees with JavaScript's calendar on any date up to the year 9999", async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 253_402_271_999 - 8 * 3600 }), async (seconds) => {
          expect(await harness.periodOf(seconds)).to.equal(BigInt(periodInChina(seconds)));
        }),
        { numRuns: 200 },
      );
    });

    it("counts months across year ends: consecutive periods have consecutive month indexes", async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1970, max: 9999 }), fc.integer({ min: 1, max: 12 }), async (year, month) => {
          const period = year * 100 + month;
          const index = await harness.monthIndexOf(period);
          expect(index).to.equal(BigInt(year * 12 + month - 1));
          expect(await harness.periodAt(index)).to.equal(BigInt(period));
          expect(await harness.periodAt(index + 1n)).to.equal(BigInt(month === 12 ? (year + 1) * 100 + 1 : period + 1));
        }),
        { numRuns: 100 },
      );
    });

    it("accepts only YYYYMM periods from 1970 on", async () => {
      for (const [period, valid] of [[202611, true], [197001, true], [202600, false], [202613, false], [196912, false], [0, false]] as const) {
        expect(await harness.isValidPeriod(period)).to.equal(valid);
      }
    });
  });

  describe("TaxpayerIds", () => {
    const code = fc.array(fc.constantFrom(...TAXPAYER_ID_ALPHABET), { minLength: 17, maxLength: 17 }).map((c) => c.join(""));

    it("accepts every code whose check character is right", async () => {
      await fc.assert(
        fc.asyncProperty(code, async (first17) => {
          expect(await harness.isValidTaxpayerId(taxpayerIdBytes(withCheckCharacter(first17)))).to.equal(true);
        }),
        { numRuns: 100 },
      );
    });

    it("agrees with the API's check on arbitrary 18-byte strings, valid or not", async () => {
      const printable = fc.string({ unit: fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZa:@[`- /"), minLength: 18, maxLength: 18 });
      const nearlyValid = code.chain((first17) =>
        fc.constantFrom(...TAXPAYER_ID_ALPHABET).map((last) => first17 + last),
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(printable, nearlyValid), async (candidate) => {
          expect(await harness.isValidTaxpayerId(taxpayerIdBytes(candidate))).to.equal(isValidTaxpayerId(candidate));
        }),
        { numRuns: 200 },
      );
    });

    it("knows real codes", async () => {
      // Two codes from public company registers (an organisation's code is public by law).
      for (const real of ["91440300708461136T", "914403001922038216"]) {
        expect(isValidTaxpayerId(real)).to.equal(true);
        expect(await harness.isValidTaxpayerId(taxpayerIdBytes(real))).to.equal(true);
      }
    });
  });
});
