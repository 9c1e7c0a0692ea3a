/**
 * Candidate 3: `@ethereumjs/vm` (JavaScript) with its Merkle-Patricia state trie stored in LevelDB: the state
 * persists natively, so a restart reopens the trie at the last block's state root, with no replay. Each block's
 * trie nodes are written as LevelDB batches and the block's root with a synced write.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createBlock } from "@ethereumjs/block";
import { Hardfork, Mainnet, createCustomCommon, type Common } from "@ethereumjs/common";
import { createMPT } from "@ethereumjs/mpt";
import { Caches, MerkleStateManager } from "@ethereumjs/statemanager";
import { createTxFromRLP } from "@ethereumjs/tx";
import { ValueEncoding, bytesToHex, createAddressFromString, hexToBytes, type BatchDBOp, type DB } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import { Level } from "level";

import { installedVersion } from "../lib/results";
import type { CandidateEngine, RestartFigures } from "./candidate";
import { BLOCK_GAS_LIMIT, CHAIN_ID } from "./workload";

const ROOT_KEY = "bench:state-root";

export async function startEthereumJs(): Promise<CandidateEngine> {
  const dir = mkdtempSync(join(tmpdir(), "engine-ethereumjs-"));
  const common = createCustomCommon({ chainId: CHAIN_ID, networkId: CHAIN_ID } as Parameters<typeof createCustomCommon>[0], Mainnet, { hardfork: Hardfork.Cancun });
  let level = new Level<string, string>(dir);
  let vm = await openVm(level, common, undefined);
  let number = 0n;
  // Calls run in the context of the latest block (its timestamp decides the ledger's current tax period).
  let latest = createBlock({ header: { number: 0n, gasLimit: BigInt(BLOCK_GAS_LIMIT), baseFeePerGas: 0n } }, { common });
  const version = installedVersion("@ethereumjs/vm");

  return {
    name: "@ethereumjs/vm, state trie on LevelDB",
    version: `@ethereumjs/vm ${version}`,
    persistence: "native: the Merkle-Patricia state trie in LevelDB; a restart reopens it at the last state root",
    async block(rawTransactions, timestamp) {
      number++;
      const block = createBlock({ header: { number, timestamp: BigInt(timestamp), gasLimit: BigInt(BLOCK_GAS_LIMIT), baseFeePerGas: 0n } }, { common });
      latest = block;
      for (const raw of rawTransactions) {
        const result = await runTx(vm, { tx: createTxFromRLP(hexToBytes(raw as `0x${string}`), { common }), block, skipBalance: true });
        if (result.execResult.exceptionError !== undefined) throw new Error(`block ${number}: a transaction failed (${result.execResult.exceptionError.error})`);
      }
      const root = await vm.stateManager.getStateRoot();
      await level.put(ROOT_KEY, bytesToHex(root), { sync: true });
    },
    async call(to, data) {
      const result = await vm.evm.runCall({ to: createAddressFromString(to), data: hexToBytes(data as `0x${string}`), gasLimit: 30_000_000n, block: latest });
      if (result.execResult.exceptionError !== undefined) throw new Error(`call reverted: ${bytesToHex(result.execResult.returnValue)}`);
      return bytesToHex(result.execResult.returnValue);
    },
    async restart(): Promise<RestartFigures> {
      await level.close();
      const started = performance.now();
      level = new Level<string, string>(dir);
      await level.open();
      vm = await openVm(level, common, hexToBytes((await level.get(ROOT_KEY)) as `0x${string}`));
      return { secondsToReady: (performance.now() - started) / 1000 };
    },
    async close() {
      await level.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openVm(level: Level<string, string>, common: Common, root: Uint8Array | undefined): Promise<VM> {
  const trie = await createMPT({ db: levelDb(level), useKeyHashing: true, valueEncoding: ValueEncoding.String, ...(root === undefined ? {} : { root }) });
  return createVM({ common, stateManager: new MerkleStateManager({ trie, common, caches: new Caches() }) });
}

/** The trie's key/value interface on LevelDB; the trie hands over hex strings (ValueEncoding.String). */
function levelDb(level: Level<string, string>): DB<string, string | Uint8Array> {
  const db: DB<string, string | Uint8Array> = {
    get: (key) => level.get(key),
    put: (key, value) => level.put(key, value as string),
    del: (key) => level.del(key),
    batch: (ops: BatchDBOp<string, string | Uint8Array>[]) =>
      level.batch(ops.map((op) => (op.type === "put" ? { type: "put" as const, key: op.key, value: op.value as string } : { type: "del" as const, key: op.key }))),
    shallowCopy: () => db,
    open: () => level.open(),
  };
  return db;
}
