import { defineMessages } from "./define";

/** The texts of the enterprise's pages. */
export const enterpriseMessages = defineMessages(
  {
    "enterprise.title": "Finance",
  },
  {
    "enterprise.title": "财务报销",
  },
);
