import { getAddress, isAddress } from "ethers";
import { z } from "zod";

import { isValidTaxpayerId } from "../../domain/taxpayer-id";
import { isValidPeriod } from "../../domain/tax-period";

/** Building blocks shared by the request schemas; each turns raw input into the canonical value. */

/** Amount in fen: a JSON integer or a string of digits; bigint after parsing. */
export const fen = z
  .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^(0|[1-9][0-9]{0,14})$/, "digits only, in fen")])
  .transform((value) => BigInt(value))
  .meta({ description: "Amount in fen (1 yuan = 100 fen), integer or string of digits", example: "11300" });

export const taxpayerId = z
  .string()
  .regex(/^[0-9A-Z]{18}$/, "18 characters, digits and capital letters")
  .refine(isValidTaxpayerId, "not a valid unified social credit code (check character)")
  .meta({ description: "Unified social credit code (GB 32100-2015)", example: "91440300MA5DC8LQ07" });

export const address = z
  .string()
  .refine(isAddress, "not an account address")
  .transform((value) => getAddress(value))
  .meta({ description: "Chain account address (0x + 40 hex digits)" });

export const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "0x followed by 64 hex digits")
  .transform((value) => value.toLowerCase());

export const invoiceId = bytes32.meta({ description: "Invoice id (0x + 64 hex digits)" });
export const creditNoteId = bytes32.meta({ description: "Credit note id (0x + 64 hex digits)" });

export const period = z.coerce
  .number()
  .int()
  .refine(isValidPeriod, "a tax period is YYYYMM")
  .meta({ description: "Tax period YYYYMM (China Standard Time)", example: 202611 });

/** A merchant's own reference for an order (its order number): one reference, one invoice. */
export const reference = z
  .string()
  .regex(/^[A-Za-z0-9._:/-]{1,64}$/, "1 to 64 letters, digits or . _ : / -")
  .meta({ description: "Your own unique reference (order number); resubmitting it returns the same invoice" });

/** Short reason codes go on chain as bytes32, so they are limited to plain ASCII: never free text about a person. */
export const reasonCode = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,31}$/, "1 to 31 letters, digits, _ or -")
  .meta({ description: "Short reason code, e.g. DUPLICATE_CLAIM (public, on chain)" });

export const name = z.string().trim().min(1).max(200);

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().regex(/^[0-9]{1,12}$/).optional().meta({ description: "Continue after this invoice number" }),
};
