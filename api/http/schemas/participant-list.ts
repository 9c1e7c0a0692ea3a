import { z } from "zod";

import { address, pageQuery } from "./common";

/**
 * The query of GET /v1/participants: filters (all optional, all combined; each only narrows what the party may
 * list: the bureau every participant, an enterprise its employees) and the page, in account order.
 */
export const PARTICIPANT_STATUSES = ["Active", "Suspended", "Revoked"] as const;

export const participantListQuery = z.strictObject({
  role: z.enum(["bureau", "merchant", "enterprise", "individual"]).optional(),
  status: z
    .enum(PARTICIPANT_STATUSES, { error: "Active, Suspended or Revoked" })
    .optional()
    .meta({ description: "The registry status, as the event index has it (a registration not yet indexed is listed only without this filter)", example: "Suspended" }),
  q: z
    .string()
    .trim()
    .min(1, "a search text of 1 to 100 characters")
    .max(100, "a search text of 1 to 100 characters")
    .optional()
    .meta({
      description:
        "Search text: participants whose name contains it (case-insensitive; % and _ are literal), or whose taxpayer ID or account (0x…) starts with it",
      example: "餐饮",
    }),
  limit: pageQuery.limit,
  after: address.optional().meta({ description: "Continue after this account (the last of the previous page)" }),
});

export type ParticipantListParams = z.output<typeof participantListQuery>;
