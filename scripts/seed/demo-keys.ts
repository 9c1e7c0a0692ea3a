import { existsSync } from "node:fs";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";

import { writeFileDurably } from "../../lib/durable-file";

/** One demo party with its API key, as `<data dir>/demo/keys.json` keeps it. */
export interface DemoParty {
  role: "bureau" | "merchant" | "enterprise" | "individual";
  name: string;
  account: string;
  /** Organisations only (merchants, enterprises). */
  taxpayerId?: string;
  apiKey: string;
  /** For an employee: the enterprise that registered it. */
  employer?: string;
}

export interface DemoKeysFile {
  /** The API the keys are for. */
  api: string;
  parties: DemoParty[];
}

/**
 * The demo's API keys, kept where a person finds them after `npm start -- --seed` or `npm run seed`: a key is
 * shown once by the API, in the answer that registered its party, and nowhere else. The file is a secret (mode
 * 0600, in a 0700 directory) and is written durably (lib/durable-file.ts) after each party, so a seed that stops
 * half-way keeps the keys of the parties it registered. A second seed of the same data adds its parties (the
 * bureau's officer, the same account, once).
 */
export async function openDemoKeys(file: string, api: string): Promise<{ file: string; add(party: DemoParty): Promise<void> }> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await chmod(dirname(file), 0o700);
  const saved: DemoKeysFile = existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as DemoKeysFile) : { api, parties: [] };
  const keys: DemoKeysFile = { api, parties: [...saved.parties] };
  return {
    file,
    async add(party) {
      keys.parties = [...keys.parties.filter((p) => p.account !== party.account), party];
      await writeFileDurably(file, `${JSON.stringify(keys, null, 2)}\n`, 0o600);
    },
  };
}

/** A shell expression that prints the API key of the first party of `role` in the keys file (plain Node: no jq needed). */
export function keyOf(file: string, role: DemoParty["role"]): string {
  return `$(node -p 'require(${JSON.stringify(file)}).parties.find((p) => p.role === "${role}").apiKey')`;
}
