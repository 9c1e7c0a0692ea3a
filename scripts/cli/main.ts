import { Command, CommanderError, Option } from "commander";

import { EInvoiceApiError } from "../../sdk/src/errors";
import { CliError, EXIT, EXIT_CODES_HELP, type ExitCode } from "./exit-codes";
import { addInvoiceCommands } from "./invoice-commands";
import { describeIssueSummary, MAX_BATCH, runIssue } from "./issue-command";
import { addKeysCommand } from "./keys-command";
import { addOperationCommands } from "./operation-commands";
import { CSV_FORMAT_HELP } from "./orders-file";
import { printResult } from "./output";

/**
 * `einvoice`: the API from a terminal or a script, through the SDK. Human output by default, `--json` for
 * scripts (one JSON document on stdout, errors included), progress on stderr, and exit codes that say what
 * happened (exit-codes.ts). Run by bin/einvoice.js from the build, or `npm run cli -- ...`.
 */
export function createProgram(): Command {
  const program = new Command("einvoice");
  program
    .exitOverride()
    .description("Issue, verify, claim, reimburse and export e-invoices through the e-invoice ledger API")
    .addOption(new Option("--api-url <url>", "the API's address").env("EINVOICE_API_URL"))
    .addOption(new Option("--api-key <key>", "your API key").env("EINVOICE_API_KEY"))
    .option("--json", "print JSON for scripts (errors too) instead of text")
    .option("--lang <language>", "language of the API's error messages: en or zh-CN")
    .addHelpText(
      "after",
      `\nExamples:\n  export EINVOICE_API_URL=http://127.0.0.1:8080 EINVOICE_API_KEY=<merchant key>\n  einvoice issue --from orders.csv\n  einvoice verify 26441000000000000042 --check-code 01234567890123456789 --total 11300\n  einvoice export 0x5f...e1 --format pdf -o invoice.pdf\n  einvoice call --list\n\n${EXIT_CODES_HELP}\n\nSee docs/cli.md.`,
    );

  program
    .command("issue")
    .description(`Issue invoices from an orders file (CSV or JSON) through the batch route, up to ${MAX_BATCH} per request; resumable`)
    .requiredOption("--from <file>", "orders.csv or orders.json")
    .option("--batch-size <n>", `invoices per request, 1 to ${MAX_BATCH}`, (value) => Number(value), MAX_BATCH)
    .option("--concurrency <n>", "requests in flight at once", (value) => Number(value), 2)
    .option("--restart", "forget the progress file of an earlier run (references still keep a rerun safe)")
    .addHelpText(
      "after",
      `\nA progress file beside the orders file (<file>.einvoice-progress) records each invoice issued; a rerun, after a kill or a failure, skips those and sends the rest. An invoice sent twice is the same invoice: the API keys it by its reference.\nExit code 0: all issued; 4: some refused (the summary groups them by code); 5: the API became unreachable (rerun to resume).\n\n${CSV_FORMAT_HELP}\n\nExample:\n  einvoice issue --from orders.csv --json > summary.json`,
    )
    .action(async (options: { from: string; batchSize: number; concurrency: number; restart?: boolean }, command: Command) => {
      const { summary, exitCode } = await runIssue(command, { from: options.from, batchSize: options.batchSize, concurrency: options.concurrency, restart: options.restart === true });
      printResult(command, summary, describeIssueSummary);
      process.exitCode = exitCode;
    });

  addInvoiceCommands(program);
  addKeysCommand(program);
  addOperationCommands(program);
  return program;
}

/** The exit code and printable error for anything a command threw. */
function failureOf(error: unknown): { exitCode: ExitCode; code: string; message: string; details?: Record<string, unknown>; status?: number; requestId?: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, code: error.code, message: error.message, details: error.details };
  if (error instanceof EInvoiceApiError) {
    const exitCode = error.status === 0 || error.status >= 500 || error.retryable ? EXIT.UNAVAILABLE : error.status === 401 || error.status === 403 ? EXIT.NOT_ALLOWED : EXIT.REFUSED;
    return { exitCode, code: error.code, message: error.message, details: { ...error.details }, status: error.status, ...(error.requestId === undefined ? {} : { requestId: error.requestId }) };
  }
  return { exitCode: EXIT.FAILURE, code: "FAILURE", message: error instanceof Error ? error.message : String(error) };
}

export async function main(argv: string[]): Promise<ExitCode> {
  const program = createProgram();
  const json = argv.includes("--json");
  try {
    await program.parseAsync(argv, { from: "user" });
    return (process.exitCode as ExitCode | undefined) ?? EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const failure = failureOf(error);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: failure.code, message: failure.message, ...(failure.status === undefined ? {} : { status: failure.status }), ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }), ...(failure.details === undefined || Object.keys(failure.details).length === 0 ? {} : { details: failure.details }) } })}\n`);
    else process.stderr.write(`einvoice: ${failure.code}: ${failure.message}${failure.requestId === undefined ? "" : ` (request ${failure.requestId})`}\n`);
    return failure.exitCode;
  }
}
