import { mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import { Command } from "commander";

import { startApiProcess, type ApiProcess } from "./lib/api-process";
import { startNodeProcess, type NodeProcess } from "./lib/node-process";
import { seedDemo } from "./seed/seed-demo";

/**
 * `npm start`: the whole system on the embedded defaults. Starts the ledger node (127.0.0.1:8545, chain
 * and keys under ./data; contracts deployed on the first start) and then the API (127.0.0.1:3000, its
 * store under ./data/api), and stops both on Ctrl-C. If either process dies, the other is stopped too.
 */
const options = new Command()
  .name("start")
  .option("--data-dir <dir>", "where everything is kept", process.env.LEDGER_DATA_DIR ?? "./data")
  .option("--rpc-port <port>", "ledger node port", process.env.LEDGER_RPC_PORT ?? "8545")
  .option("--api-port <port>", "API port", process.env.API_PORT ?? "3000")
  .option("--seed", "fill a demo (bureau, merchants, enterprises, employees, invoices in every state) after starting")
  .parse()
  .opts<{ dataDir: string; rpcPort: string; apiPort: string; seed?: boolean }>();

// A terminal or pipe that went away (EPIPE) must not stop the ledger: the processes keep running, their logs keep going to data/logs.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

async function main(): Promise<void> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(join(dataDir, "logs"), { recursive: true });
  const inside = relative(process.cwd(), dataDir);
  const shown = inside === "" ? "." : inside.startsWith("..") ? dataDir : inside;
  process.stderr.write(`Starting the ledger node (data in ${shown}; the first start deploys the contracts)...\n`);
  let node: NodeProcess | undefined;
  let api: ApiProcess | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (api) await api.stop();
    if (node) await node.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  try {
    node = await startNodeProcess(dataDir, {}, Number(process.env.LEDGER_BLOCK_WINDOW_MS ?? 10), { port: Number(options.rpcPort), inheritStderr: true, logFile: join(dataDir, "logs", "ledger-node.log") });
    node.child.once("exit", (code) => {
      if (!stopping) process.stderr.write(`The ledger node stopped unexpectedly (exit ${code}); stopping the API.\n`);
      void stopAll(1);
    });
    api = await startApiProcess(dataDir, node.url, {}, { port: Number(options.apiPort), inheritStderr: true, logFile: join(dataDir, "logs", "api.log") });
    api.child.once("exit", (code) => {
      if (!stopping) process.stderr.write(`The API stopped unexpectedly (exit ${code}); stopping the ledger node.\n`);
      void stopAll(1);
    });
  } catch (error) {
    process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\nLogs: ${join(shown, "logs")}\n`);
    await stopAll(1);
    return;
  }
  const keyFile = join(shown, relative(dataDir, api.ready.bureauKeyFile));
  process.stdout.write(
    [
      "",
      "E-invoice ledger is running.",
      `  API           ${api.url}`,
      `  API docs      ${api.url}/docs   (OpenAPI: ${api.url}/openapi.json)`,
      `  Ledger chain  ${node.url}   (chain id ${node.ready.chainId}, standard Ethereum JSON-RPC)`,
      `  Data          ${shown}   (logs in ${join(shown, "logs")})`,
      "",
      `The first tax-bureau API key is in ${keyFile}. Try:`,
      `  curl -H "Authorization: Bearer $(cat ${keyFile})" ${api.url}/v1/participants`,
      "Ctrl-C stops both processes.",
      "",
    ].join("\n"),
  );
  if (options.seed) {
    process.stderr.write("Seeding the demo...\n");
    try {
      process.stdout.write(`${await seedDemo(api.url, api.ready.bureauKeyFile)}\n`);
    } catch (error) {
      process.stderr.write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

void main();
