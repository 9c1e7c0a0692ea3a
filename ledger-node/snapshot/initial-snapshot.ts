import { genesisState } from "../chain/evm-engine";
import type { ChainStore, ServedBlock } from "../store/chain-store";
import type { StateDiff } from "./state-diff";

/**
 * The snapshot a chain starts with: its genesis state, as of block 0. Written when there is none, and in place of
 * one that did not verify (after the node replayed the whole journal instead), which the snapshot writer then
 * brings forward again from block 1.
 */
export async function writeInitialSnapshot(store: ChainStore, genesis: ServedBlock): Promise<void> {
  await store.clearSnapshot();
  const diff: StateDiff = new Map();
  for (const account of genesisState()) {
    const storage = new Map<string, string | null>();
    for (const { index, value } of account.storage ?? []) storage.set(`0x${index.toString(16).padStart(64, "0")}`, `0x${value.toString(16).padStart(64, "0")}`);
    diff.set(`0x${Buffer.from(account.address).toString("hex")}`, {
      nonce: `0x${(account.nonce ?? 0n).toString(16)}`,
      balance: `0x${(account.balance ?? 0n).toString(16)}`,
      code: `0x${Buffer.from(account.code ?? new Uint8Array()).toString("hex")}`,
      storage,
    });
  }
  await store.writeSnapshot({ number: 0, hash: genesis.hash, stateRoot: genesis.stateRoot as string }, diff);
}
