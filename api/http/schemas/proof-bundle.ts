import { z } from "zod";

/**
 * The proof bundle as the OpenAPI document describes it (lib/proof/proof-bundle.ts holds the strict schema the
 * verifier parses with, and says how each part is checked).
 */
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
export const proofBundleView = z
  .looseObject({
    format: z.literal("e-invoice-ledger/proof@1"),
    kind: z.enum(["invoice", "credit-note"]),
    chainId: z.string().meta({ description: "Decimal" }),
    contract: hex.meta({ description: "The InvoiceLedger proxy, whose storage holds the records" }),
    id: hex,
    block: z.looseObject({ hash: hex, number: hex, stateRoot: hex, parentHash: hex }).meta({ description: "The block's header, every field as eth_getBlockByNumber answers it" }),
    seal: z.object({ signer: hex, signature: hex }).nullable().meta({ description: "The chain authority's signature over (chain id, number, hash, parent hash); null from a chain that does not serve ledger_getBlockSeal" }),
    account: z.looseObject({ address: hex, accountProof: z.array(hex), storageHash: hex }),
    storage: z.array(z.object({ slot: hex, value: hex, proof: z.array(hex) })),
    record: z.record(z.string(), z.unknown()).meta({ description: "The proven storage words decoded: number, seal, total, tax, state, ..." }),
    document: z.record(z.string(), z.unknown()).optional().meta({ description: "The document file the record's seal commits to" }),
  })
  .meta({ id: "ProofBundle" });
