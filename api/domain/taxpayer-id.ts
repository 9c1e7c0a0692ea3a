/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): an organisation's public taxpayer ID.
 * 18 characters from a 31-character alphabet; the last is a check character over the first 17.
 * The contracts check the same rule (contracts/libraries/TaxpayerIds.sol).
 */
export const TAXPAYER_ID_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const MODULUS = 31;

/** The check character for the first 17 characters of a code, or undefined when one is outside the alphabet. */
export function taxpayerIdCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = TAXPAYER_ID_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) return undefined;
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return TAXPAYER_ID_ALPHABET.charAt((MODULUS - (sum % MODULUS)) % MODULUS);
}

/** Whether `id` is a well-formed unified social credit code with the right check character. */
export function isValidTaxpayerId(id: string): boolean {
  return id.length === 18 && taxpayerIdCheckCharacter(id.slice(0, 17)) === id.charAt(17);
}

/** Completes 17 characters into a valid code (used to make demo and test organisations). */
export function withCheckCharacter(first17: string): string {
  const check = taxpayerIdCheckCharacter(first17);
  if (check === undefined) throw new RangeError(`not 17 characters of the taxpayer-ID alphabet: ${first17}`);
  return first17 + check;
}
