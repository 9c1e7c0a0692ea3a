import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { JsonRpcProvider, toUtf8Bytes, hexlify } from "ethers";
import { Level } from "level";
import { publicTables, withEmbeddedDatabase } from "./embedded-database";

/**
 * Looks for personal data where the public (or every consortium member) can read it: in every transaction's
 * input, every event log, and every key and value of the chain's LevelDB. Each needle is searched as its
 * UTF-8 text and as the hex of those bytes (how ABI-encoded strings appear in inputs, logs and JSON values).
 */
export interface PrivacyHit {
  where: string;
  needle: string;
}

const forms = (needles: string[]) => needles.map((needle) => ({ needle, text: needle, hex: hexlify(toUtf8Bytes(needle)).slice(2) }));

function search(haystack: string, where: string, needles: ReturnType<typeof forms>, hits: PrivacyHit[]): void {
  const lower = haystack.toLowerCase();
  for (const n of needles) if (haystack.includes(n.text) || lower.includes(n.hex)) hits.push({ where, needle: n.needle });
}

/** Every transaction input and every log of the chain behind `rpcUrl`; also returns how much it looked at. */
export async function scanChain(rpcUrl: string, needles: string[]): Promise<{ hits: PrivacyHit[]; transactions: number; logs: number }> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  const wanted = forms(needles);
  const hits: PrivacyHit[] = [];
  let transactions = 0;
  try {
    const head = await provider.getBlockNumber();
    for (let n = 0; n <= head; n++) {
      const block = (await provider.send("eth_getBlockByNumber", [`0x${n.toString(16)}`, true])) as { transactions: { hash: string; input: string }[]; extraData: string };
      search(block.extraData, `block ${n} extraData`, wanted, hits);
      for (const tx of block.transactions) {
        search(tx.input, `transaction ${tx.hash} input`, wanted, hits);
        transactions++;
      }
    }
    const logs = (await provider.send("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }])) as { transactionHash: string; data: string; topics: string[] }[];
    for (const log of logs) search([log.data, ...log.topics].join(" "), `log of ${log.transactionHash}`, wanted, hits);
    return { hits, transactions, logs: logs.length };
  } finally {
    provider.destroy();
  }
}

/** Every key and value of a LevelDB (read decompressed, through `level`; the owning process must be stopped). */
export async function scanLevelDb(location: string, needles: string[]): Promise<{ hits: PrivacyHit[]; entries: number }> {
  const db = new Level<Buffer, Buffer>(location, { keyEncoding: "buffer", valueEncoding: "buffer", createIfMissing: false });
  const wanted = forms(needles);
  const hits: PrivacyHit[] = [];
  let entries = 0;
  try {
    for await (const [key, value] of db.iterator()) {
      const text = `${key.toString("utf8")} ${value.toString("utf8")}`;
      search(text, `LevelDB entry ${key.toString("utf8").slice(0, 60)}`, wanted, hits);
      search(value.toString("hex"), `LevelDB value of ${key.toString("utf8").slice(0, 60)}`, wanted, hits);
      entries++;
    }
  } finally {
    await db.close();
  }
  return { hits, entries };
}

/**
 * Every row of every table of the API's embedded database in `databaseDir` (as JSON text), read through SQL;
 * the server is started for the scan when no process runs it, and stopped again.
 */
export async function scanDatabase(databaseDir: string, needles: string[]): Promise<{ hits: PrivacyHit[]; rows: number }> {
  const wanted = forms(needles);
  const hits: PrivacyHit[] = [];
  let rows = 0;
  await withEmbeddedDatabase(databaseDir, async (client) => {
    for (const table of await publicTables(client)) {
      const result = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
      for (const { row } of result.rows) {
        search(row, `table ${table}: ${row.slice(0, 60)}`, wanted, hits);
        rows++;
      }
    }
  });
  return { hits, rows };
}

/** The raw bytes of every file under `directory` (a database cluster: tables, indexes, WAL), as Latin-1 text. */
export function scanFiles(directory: string, needles: string[]): PrivacyHit[] {
  const hits: PrivacyHit[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const file = join(path, name);
      const stat = statSync(file);
      if (stat.isDirectory()) walk(file);
      else if (stat.isFile()) {
        const bytes = readFileSync(file).toString("latin1");
        for (const needle of needles) if (bytes.includes(needle)) hits.push({ where: file, needle });
      }
    }
  };
  walk(directory);
  return hits;
}
