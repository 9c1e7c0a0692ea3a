import type { Command } from "commander";

import { clientFor } from "./connection";
import { printResult } from "./output";

interface KeyInfo {
  keyId: string;
  label: string;
  createdAt: string;
  revokedAt?: string | null;
}

const describeKey = (key: KeyInfo) => `${key.keyId}  ${key.label}  created ${key.createdAt}${key.revokedAt ? `  revoked ${key.revokedAt}` : ""}`;

/** keys list | create | revoke: your own API keys. */
export function addKeysCommand(program: Command): void {
  const keys = program.command("keys").description("Your API keys: list, create, revoke");
  keys
    .command("list")
    .description("List your API keys (never their secrets)")
    .action(async (_options: unknown, command: Command) => {
      const answer = await clientFor(command).listApiKeys();
      printResult(command, answer, (v: typeof answer) => (v.keys.length === 0 ? "no keys" : v.keys.map((key) => describeKey(key as KeyInfo)).join("\n")));
    });
  keys
    .command("create")
    .description("Create another API key for yourself: its secret is shown once")
    .requiredOption("--label <label>", "what the key is for, e.g. \"billing system\"")
    .addHelpText("after", "\nExample:\n  einvoice keys create --label \"order export\" --json")
    .action(async (options: { label: string }, command: Command) => {
      const answer = await clientFor(command).createApiKey({ body: { label: options.label } });
      printResult(command, answer, (v: typeof answer) => `${describeKey(v.info as KeyInfo)}\nkey (shown once): ${v.apiKey}`);
    });
  keys
    .command("revoke")
    .description("Revoke one of your API keys")
    .argument("<keyId>", "the key's id (12 hex digits, from keys list)")
    .action(async (keyId: string, _options: unknown, command: Command) => {
      const answer = await clientFor(command).revokeApiKey({ params: { keyId } });
      printResult(command, answer, (v: typeof answer) => `revoked ${describeKey(v as KeyInfo)}`);
    });
}
