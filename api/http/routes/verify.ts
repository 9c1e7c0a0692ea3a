import { z } from "zod";

import { invoiceId } from "../schemas/common";
import { verdictView } from "../schemas/views";
import { defineRoute, type RouteKit } from "../route";

/** Public verification, rate limited per client address. */
export function verifyRoutes(kit: RouteKit): void {
  const { verification } = kit.ctx.services;
  const digits = (max: bigint, what: string) =>
    z
      .string()
      .regex(/^[0-9]{1,20}$/, `${what}: digits only`)
      .transform((v) => BigInt(v))
      .refine((v) => v <= max, `${what} is too large`);

  defineRoute(kit, {
    method: "get",
    path: "/v1/verify",
    summary: "Verify an invoice by number, check code and total (public)",
    tag: "verify",
    access: "public",
    query: z.strictObject({
      number: digits(2n ** 40n - 1n, "number"),
      checkCode: z.string().regex(/^[0-9]{20}$/, "20 digits").transform((v) => BigInt(v)).refine((v) => v < 2n ** 64n, "not a check code"),
      total: digits(2n ** 48n - 1n, "total (fen)"),
    }),
    responses: { 200: { description: "authentic and current state; a wrong code, number or amount reads as not authentic", schema: verdictView } },
    async handle({ query }) {
      return { status: 200, body: await verification.byCode(query) };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/verify/document",
    summary: "Verify an invoice or credit-note document file (public): its seal is recomputed and compared with the chain",
    tag: "verify",
    access: "public",
    body: z
      .strictObject({
        id: invoiceId,
        number: z.string().regex(/^[0-9]{1,13}$/).transform((v) => BigInt(v)),
        checkCode: z.string().optional(),
        document: z.looseObject({ kind: z.enum(["invoice", "credit-note"]), totals: z.looseObject({ total: z.string().regex(/^[0-9]{1,15}$/), tax: z.string().regex(/^[0-9]{1,15}$/) }) }),
        salt: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
        claimKeyAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
      })
      .meta({ id: "DocumentFileUpload" }),
    responses: { 200: { description: "authentic, or which part disagrees with the ledger", schema: verdictView } },
    async handle({ body }) {
      return { status: 200, body: await verification.byDocument(body as unknown as Parameters<typeof verification.byDocument>[0]) };
    },
  });
}
