import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The JSON-RPC methods deploy/CHAIN-ASSUMPTIONS.md says a program calls, read from the first cell of its row
 * (`**JSON-RPC methods: the API**` or `**JSON-RPC methods: the deployment CLI**`), sorted: the second-engine
 * test holds the programs to that list, so the document cannot drift from what they do.
 */
const ROWS = { api: "**JSON-RPC methods: the API**", deploy: "**JSON-RPC methods: the deployment CLI**" } as const;

export function documentedMethods(program: keyof typeof ROWS): string[] {
  const document = readFileSync(join(__dirname, "..", "..", "..", "deploy", "CHAIN-ASSUMPTIONS.md"), "utf8");
  const row = document.split("\n").find((line) => line.startsWith(`| ${ROWS[program]}`));
  if (row === undefined) throw new Error(`deploy/CHAIN-ASSUMPTIONS.md has no row starting with ${ROWS[program]}`);
  const firstCell = row.split("|")[1]!;
  return [...firstCell.matchAll(/`((?:eth|net|web3|ledger)_[A-Za-z]+)`/g)].map((match) => match[1]!).sort();
}
