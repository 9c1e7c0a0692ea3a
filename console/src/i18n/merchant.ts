import { defineMessages } from "./define";

/** The texts of the merchant's pages. */
export const merchantMessages = defineMessages(
  {
    "merchant.title": "Merchant",
  },
  {
    "merchant.title": "商户",
  },
);
