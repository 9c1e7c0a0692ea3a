import { cpSync, existsSync, renameSync } from "node:fs";
import { resolve } from "node:path";

import { chainDir, type LedgerNodeConfig } from "../config";
import { ChainStore } from "./chain-store";
import { HeadRecord } from "./head-record";

/**
 * Puts a chain store backup in place of the node's (node stopped): the backup is checked to be a chain store
 * before anything is touched, the current store is moved aside, never deleted, and the backup's head becomes
 * the acknowledged head (going back to it is what a restore means). The store is verified like any other at
 * the next start (seals, links, re-execution).
 */
export async function restoreChainStore(config: Pick<LedgerNodeConfig, "dataDir">, from: string): Promise<{ restored: string; chainId: number; head: number; movedAside?: string }> {
  const source = resolve(from);
  if (!existsSync(source)) throw new Error(`no backup at ${source}`);
  const backup = await ChainStore.open(source);
  const meta = await backup.meta();
  const head = await backup.head();
  await backup.close();
  if (meta === undefined) throw new Error(`${source} is not a ledger chain store`);
  const target = chainDir(config);
  let movedAside: string | undefined;
  if (existsSync(target)) {
    movedAside = `${target}.before-restore-${Date.now()}`;
    renameSync(target, movedAside);
  }
  cpSync(source, target, { recursive: true });
  await HeadRecord.at(config.dataDir).write(head ?? { number: 0, hash: meta.genesisHash });
  return { restored: target, chainId: meta.chainId, head: head?.number ?? 0, ...(movedAside === undefined ? {} : { movedAside }) };
}
