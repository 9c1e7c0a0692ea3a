import type { ApiContext } from "./context";

/**
 * What /health says: 200 "ok" only when the ledger answers, the database takes requests and holds what the
 * chain refers to, and the index follows the chain; otherwise 503 with the first reason, in order of
 * severity, and every part's own status so an operator sees all of them at once.
 */
export async function healthOf(ctx: ApiContext): Promise<{ httpStatus: number; body: Record<string, unknown> }> {
  const index = ctx.indexer.status();
  const storage = await ctx.storage.probe();
  let chain: { ok: boolean; block?: number } = { ok: false };
  try {
    chain = { ok: true, block: await ctx.client.provider.getBlockNumber() };
  } catch {
    chain = { ok: false };
  }
  const problem =
    storage.status === "corrupted"
      ? "store corrupted"
      : index.aheadOfChain
        ? "index ahead of chain"
        : index.missingDocuments > 0
          ? "documents missing"
          : storage.status === "unavailable"
            ? "storage unavailable"
            : !chain.ok
              ? "ledger unreachable"
              : undefined;
  return { httpStatus: problem === undefined ? 200 : 503, body: { status: problem ?? "ok", chain, index, storage } };
}
