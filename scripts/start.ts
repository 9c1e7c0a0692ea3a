import { mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import { Command } from "commander";

import { resolveApiConfig } from "../api/config";
import { resolveConfig } from "../ledger-node/config";
import { stopWhenParentGone } from "../lib/parent-watch";
import { applyConfigFileOrRefuse } from "../lib/start-failure";
import { printConfig } from "../lib/print-config";
import { startApiProcess, type ApiProcess } from "./lib/api-process";
import { startNodeProcess, type NodeProcess } from "./lib/node-process";
import { seedDemo } from "./seed/seed-demo";

/**
 * `npm start`: the whole system on the embedded defaults. Starts the ledger node (127.0.0.1:8545, chain
 * and keys under ./data; contracts deployed on the first start) and then the API (127.0.0.1:3000, its
 * store under ./data/api), and stops both on Ctrl-C or SIGTERM, and when npm itself is gone. If
 * either process dies, the other is stopped too, and `npm start` exits with the code of the one that failed
 * (its reason is on stderr above: a port in use, a data directory it cannot write, ...).
 */
const options = new Command()
  .name("start")
  .option("--config <file>", "a JSON file of settings (LEDGER_CONFIG); the environment and these flags override it")
  .option("--print-config", "print the configuration the node and the API would start with (secrets hidden) and exit")
  .option("--data-dir <dir>", "where everything is kept (LEDGER_DATA_DIR, default ./data)")
  .option("--rpc-port <port>", "ledger node port (LEDGER_RPC_PORT, default 8545)")
  .option("--api-port <port>", "API port (API_PORT, default 3000)")
  .option("--seed", "fill a demo (bureau, merchants, enterprises, employees, invoices in every state) after starting")
  .addHelpText("after", "\nExamples:\n  npm start\n  npm start -- --seed\n  npm start -- --config ./ledger.config.json --print-config")
  .parse()
  .opts<{ config?: string; printConfig?: boolean; dataDir?: string; rpcPort?: string; apiPort?: string; seed?: boolean }>();

// A terminal or pipe that went away (EPIPE) must not stop the ledger: the processes keep running, their logs keep going to data/logs.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

async function main(): Promise<void> {
  const applied = applyConfigFileOrRefuse(options.config, "The ledger");
  const dataDir = resolve(options.dataDir ?? process.env.LEDGER_DATA_DIR ?? "./data");
  const rpcPort = Number(options.rpcPort ?? process.env.LEDGER_RPC_PORT ?? 8545);
  const apiPort = Number(options.apiPort ?? process.env.API_PORT ?? 3000);
  if (options.printConfig === true) {
    const env = { ...process.env, LEDGER_DATA_DIR: dataDir };
    printConfig(applied, { node: resolveConfig({ dataDir, port: rpcPort }, env), api: resolveApiConfig({ port: apiPort }, env) });
    return;
  }
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
  // Not SIGHUP: under nohup it stays ignored, and a terminal's hangup otherwise ends this process, whose
  // children then stop by themselves (below).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stopAll(0));
  // Run by npm (npm start), stop with npm, however it went; run directly (node bin/run.js scripts/start &), a
  // shell that exits must not take the system with it.
  if (process.env.npm_lifecycle_event !== undefined) stopWhenParentGone(() => void stopAll(0), process.ppid);
  // The children stop by themselves if this process is gone (kill -9 included).
  const children = { LEDGER_PARENT_PID: String(process.pid) };
  try {
    node = await startNodeProcess(dataDir, children, Number(process.env.LEDGER_BLOCK_WINDOW_MS ?? 10), { port: rpcPort, inheritStderr: true, logFile: join(dataDir, "logs", "ledger-node.log") });
    node.child.once("exit", (code) => {
      if (!stopping) process.stderr.write(`The ledger node stopped unexpectedly (exit ${code}); stopping the API.\n`);
      void stopAll(code === 0 || code === null ? 1 : code);
    });
    api = await startApiProcess(dataDir, node.url, children, { port: apiPort, inheritStderr: true, logFile: join(dataDir, "logs", "api.log") });
    api.child.once("exit", (code) => {
      if (!stopping) process.stderr.write(`The API stopped unexpectedly (exit ${code}); stopping the ledger node.\n`);
      void stopAll(code === 0 || code === null ? 1 : code);
    });
  } catch (error) {
    const exitCode = (error as { exitCode?: number | null }).exitCode;
    process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}${exitCode === undefined ? "" : " (its reason is above)"}\nLogs: ${join(shown, "logs")}\n`);
    await stopAll(typeof exitCode === "number" && exitCode > 0 ? exitCode : 1);
    return;
  }
  const keyFile = join(shown, relative(dataDir, api.ready.bureauKeyFile));
  process.stdout.write(
    [
      "",
      "E-invoice ledger is running.",
      `  API           ${api.url}`,
      `  API docs      ${api.url}/docs   (OpenAPI: ${api.url}/openapi.json)`,
      `  Console       ${api.url}/console   (sign in with an API key: bureau, merchant, enterprise, employee)`,
      `  Ledger chain  ${node.url}   (chain id ${node.ready.chainId}, standard Ethereum JSON-RPC)`,
      `  Data          ${shown}   (logs in ${join(shown, "logs")})`,
      "",
      `The first tax-bureau API key is in ${keyFile}. Try:`,
      `  curl -H "Authorization: Bearer $(cat ${keyFile})" ${api.url}/v1/participants`,
      "New here? README.md, \"Your first hour\": the bureau registers a merchant and grants it a quota for this",
      "  tax period (nothing can be issued before that); then a first invoice is issued, claimed, reimbursed, verified and traced.",
      `Or fill a demo: npm start -- --seed (every demo party's API key is saved in ${join(shown, "demo", "keys.json")}).`,
      `Check the running system with: npm run doctor${dataDir === resolve("./data") ? "" : ` -- --data-dir ${shown}`}`,
      "Ctrl-C stops both processes.",
      "",
    ].join("\n"),
  );
  if (options.seed) {
    process.stderr.write("Seeding the demo...\n");
    try {
      process.stdout.write(`${await seedDemo(api.url, api.ready.bureauKeyFile, { dataDir })}\n`);
    } catch (error) {
      process.stderr.write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

void main();
