import type { TaxRate } from "../../domain/money";

/**
 * The EN 16931 VAT category (UNCL5305, BT-151 on a line, BT-118 in the VAT breakdown) of one of our rates.
 *
 * A rate above 0 is S "standard rated": EN 16931 has no separate code for China's reduced rates (9, 6, 5, 3,
 * 1 %), and S with its rate is how the standard carries any positive rate (BR-S-05: rate above zero).
 * 0 % is Z "zero rated", not E "exempt": our document says only that the rate is 0, which is what Z states;
 * E requires an exemption reason (BR-E-10) that the document does not hold and that we would have to invent.
 * (A Chinese 免税 line printed as "免税" would be E in Europe; the document does not tell us which 0 % lines
 * are exempt rather than zero rated.)
 */
export type VatCategoryCode = "S" | "Z";

export interface VatCategory {
  code: VatCategoryCode;
  rate: TaxRate;
}

export function vatCategory(rate: TaxRate): VatCategory {
  return { code: rate > 0 ? "S" : "Z", rate };
}
