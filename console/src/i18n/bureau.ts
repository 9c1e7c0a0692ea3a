import { defineMessages } from "./define";

/** The texts of the bureau's pages. */
export const bureauMessages = defineMessages(
  {
    "bureau.title": "Tax bureau",
  },
  {
    "bureau.title": "税务机关",
  },
);
