import { readFileSync } from "node:fs";

import type { Command } from "commander";

import { OPERATIONS } from "../../sdk/src/generated/operations";
import type { OperationInfo } from "../../sdk/src/transport-types";
import { clientFor } from "./connection";
import { CliError, EXIT } from "./exit-codes";
import { printResult } from "./output";

/**
 * Commands over the generated operation table rather than one action each: `call` reaches any operation of
 * the API by its operationId, and `me` and `webhooks` work once the API documents their routes. A route added
 * to the API reaches these by `npm run sdk:generate`, with no change here.
 */
const table = OPERATIONS as Record<string, OperationInfo>;

function operationWhere(test: (operation: OperationInfo) => boolean): [string, OperationInfo] | undefined {
  return Object.entries(table).find(([, operation]) => test(operation));
}

const jsonOption = (text: string | undefined, what: string): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text.startsWith("@") ? readFileSync(text.slice(1), "utf8") : text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, "BAD_OPTION", `${what} is JSON (or @file): ${error instanceof Error ? error.message : String(error)}`);
  }
};

async function callOperation(command: Command, operationId: string, input: { params?: unknown; query?: unknown; body?: unknown; idempotencyKey?: string }): Promise<unknown> {
  const operation = table[operationId];
  if (operation === undefined) throw new CliError(EXIT.UNSUPPORTED, "NO_SUCH_OPERATION", `this API has no operation ${operationId} (einvoice call --list lists them)`);
  const client = clientFor(command, operation.roles !== "public");
  return client.transport.call(operationId, operation, {
    ...(input.params === undefined ? {} : { params: input.params as object }),
    ...(input.query === undefined ? {} : { query: input.query as object }),
    ...(input.body === undefined ? {} : { body: input.body }),
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
  });
}

export function addOperationCommands(program: Command): void {
  program
    .command("call")
    .description("Call any operation of the API by its operationId, with JSON params, query and body; prints the JSON answer")
    .argument("[operationId]", "e.g. getInvoice, searchInvoices, getTotals")
    .option("--params <json>", "path parameters, e.g. '{\"id\":\"0x...\"}' (or @file)")
    .option("--query <json>", "query parameters, e.g. '{\"state\":\"Issued\"}' (or @file)")
    .option("--body <json>", "the request body (or @file)")
    .option("--idempotency-key <key>", "for writes: the same key again gets the first answer")
    .option("--list", "list the operations this API has")
    .addHelpText("after", "\nExamples:\n  einvoice call getInvoice --params '{\"id\":\"0x5f...e1\"}'\n  einvoice call getTotals --query '{\"period\":\"202611\"}' --json\n  einvoice call --list")
    .action(async (operationId: string | undefined, options: { params?: string; query?: string; body?: string; idempotencyKey?: string; list?: boolean }, command: Command) => {
      if (options.list === true || operationId === undefined) {
        const list = Object.entries(table).map(([id, op]) => ({ operationId: id, method: op.method.toUpperCase(), path: op.path, roles: op.roles }));
        printResult(command, list, (v: typeof list) => v.map((op) => `${op.operationId.padEnd(28)} ${op.method.padEnd(6)} ${op.path}  (${op.roles === "public" ? "public" : op.roles.join(", ")})`).join("\n"));
        return;
      }
      const answer = await callOperation(command, operationId, {
        params: jsonOption(options.params, "--params"),
        query: jsonOption(options.query, "--query"),
        body: jsonOption(options.body, "--body"),
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      });
      if (answer instanceof Uint8Array) process.stdout.write(answer);
      else if (typeof answer === "string") process.stdout.write(answer);
      else process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    });

  program
    .command("me")
    .description("Who your API key is: account, role, names, employer, status, keys (GET /v1/me)")
    .action(async (_options: unknown, command: Command) => {
      const me = operationWhere((op) => op.method === "get" && op.path === "/v1/me");
      if (me === undefined) throw new CliError(EXIT.UNSUPPORTED, "ROUTE_MISSING", "this API has no GET /v1/me yet: `me` needs the identity routes");
      const answer = await callOperation(command, me[0], {});
      printResult(command, answer, (v: unknown) => Object.entries(v as Record<string, unknown>).map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`).join("\n"));
    });

  program
    .command("webhooks")
    .description("Your webhook subscriptions and deliveries (the webhooks routes): lists the operations, which `einvoice call` runs")
    .action((_options: unknown, command: Command) => {
      const operations = Object.entries(table).filter(([, op]) => op.path.startsWith("/v1/webhooks"));
      if (operations.length === 0) throw new CliError(EXIT.UNSUPPORTED, "ROUTE_MISSING", "this API has no webhooks routes yet (/v1/webhooks...): `webhooks` needs them");
      const list = operations.map(([id, op]) => ({ operationId: id, method: op.method.toUpperCase(), path: op.path }));
      printResult(command, list, (v: typeof list) => `${v.map((op) => `${op.operationId.padEnd(32)} ${op.method.padEnd(6)} ${op.path}`).join("\n")}\nRun one with: einvoice call <operationId> --params/--query/--body <json>`);
    });
}
