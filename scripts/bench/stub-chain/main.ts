import { Command } from "commander";

import { StubChain } from "./stub-chain";

/**
 * The issue benchmark's stub chain as a process of its own (so that its CPU is counted apart from the API's):
 * `node -r ts-node/register/transpile-only scripts/bench/stub-chain/main.ts --upstream <node> --ledger <address>`.
 * Prints one JSON line `{"event":"ready","url":...}` once it listens; SIGTERM stops it.
 */
const options = new Command()
  .requiredOption("--upstream <url>", "the real ledger node's JSON-RPC URL")
  .requiredOption("--ledger <address>", "the InvoiceLedger's address")
  .option("--port <n>", "port to listen on (0: any free one)", "0")
  .option("--block-window-ms <n>", "how long transactions wait for their block", "10")
  .parse()
  .opts<{ upstream: string; ledger: string; port: string; blockWindowMs: string }>();

void (async () => {
  const stub = new StubChain({ upstream: options.upstream, ledger: options.ledger, blockWindowMs: Number(options.blockWindowMs) });
  const url = await stub.listen(Number(options.port));
  process.stdout.write(`${JSON.stringify({ event: "ready", url })}\n`);
  process.once("SIGTERM", () => void stub.close().then(() => process.exit(0)));
})();
