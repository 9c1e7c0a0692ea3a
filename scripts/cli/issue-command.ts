import { Presets, SingleBar } from "cli-progress";
import type { Command } from "commander";

import { EInvoiceApiError } from "../../sdk/src/errors";
import type { EInvoiceClient } from "../../sdk/src/client";
import { apiUrlOf, clientFor, globalOptions } from "./connection";
import { CliError, EXIT, type ExitCode } from "./exit-codes";
import { fingerprintOf, openIssueProgress, progressPathFor, type IssuedEntry, type IssueProgress } from "./issue-progress";
import { readOrdersFile, type FileRefusal, type PlannedInvoice } from "./orders-file";

/** The batch route's limit: POST /v1/invoices/batch takes up to 500 invoices. */
export const MAX_BATCH = 500;
/** A retryable refusal (429, 503, no answer) is tried again this many times, waiting longer each time. */
const RETRIES = 6;

export interface IssueOptions {
  from: string;
  batchSize: number;
  concurrency: number;
  restart: boolean;
}

/** One refused invoice (or file line), as the summary lists it. */
export interface Refusal {
  reference: string | undefined;
  lines: number[];
  code: string;
  message: string;
  status?: number;
}

export interface IssueSummary {
  from: string;
  progressFile: string;
  invoices: number;
  /** Issued by this run (new, or replayed: the API had it already). */
  issued: number;
  /** Of those, ones the API already had (a rerun after a kill, or the same orders again). */
  replayed: number;
  /** Skipped: the progress file says an earlier run issued them. */
  skipped: number;
  refused: number;
  refusalsByCode: Record<string, number>;
  refusals: Refusal[];
  seconds: number;
  perSecond: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends invoices through the batch route and sorts out refusals: a batch is all or nothing, so an invoice the
 * API names (a field of invoices[i], a reference used for other contents) is set aside and the rest sent again;
 * a refusal that names no invoice splits the batch in two until it does; a refusal of the whole merchant
 * (QUOTA_EXCEEDED) refuses the batch. Retryable answers are retried with backoff; 401 and 403 end the run.
 */
function createSender(client: EInvoiceClient, progress: IssueProgress, onDone: (issued: IssuedEntry[], replayed: number, refused: Refusal[]) => void) {
  const refuse = (items: PlannedInvoice[], error: EInvoiceApiError, message = error.message): Refusal[] =>
    items.map((item) => ({ reference: item.reference, lines: item.lines, code: error.code, message, status: error.status }));

  // The most invoices one request may carry here: the batch route takes 500, but a ledger node may simulate
  // less gas per call than a batch that large needs (LEDGER_GAS_CAP); then batches are halved until they fit,
  // and stay that size for the rest of the run.
  let fits = Number.POSITIVE_INFINITY;

  async function send(items: PlannedInvoice[]): Promise<void> {
    if (items.length === 0) return;
    if (items.length > fits) {
      // The size is taken once: a part may lower `fits` meanwhile, and then splits itself further.
      const size = fits;
      for (let i = 0; i < items.length; i += size) await send(items.slice(i, i + size));
      return;
    }
    let answer;
    for (let attempt = 0; ; attempt++) {
      try {
        answer = await client.issueInvoiceBatch({ body: { invoices: items.map((item) => item.body) } });
        break;
      } catch (error) {
        if (!(error instanceof EInvoiceApiError)) throw error;
        if (error.code === "LEDGER_GAS_CAP" && items.length > 1) {
          fits = Math.min(fits, Math.ceil(items.length / 2));
          return send(items);
        }
        if (error.retryable && attempt < RETRIES) {
          await sleep(Math.min(30_000, (error.retryAfterSeconds ?? 0) * 1000 || 250 * 2 ** attempt));
          continue;
        }
        if (error.retryable || error.status >= 500 || error.status === 0) throw new CliError(EXIT.UNAVAILABLE, error.code, `the API did not take the batch: ${error.message}; rerun to resume`, { requestId: error.requestId });
        if (error.status === 401 || error.status === 403) throw new CliError(EXIT.NOT_ALLOWED, error.code, error.message, { requestId: error.requestId });
        return settleRefusal(items, error);
      }
    }
    const entries = answer.results.map((result, i) => ({ reference: items[i]!.reference, fingerprint: fingerprintOf(items[i]!.body), id: result.invoice.id, number: result.invoice.number }));
    progress.record(entries);
    onDone(entries, answer.results.filter((result) => result.replayed).length, []);
  }

  async function settleRefusal(items: PlannedInvoice[], error: EInvoiceApiError): Promise<void> {
    if (error.code === "QUOTA_EXCEEDED") return onDone([], 0, refuse(items, error));
    if (error.code === "VALIDATION_FAILED") {
      const issues = Array.isArray(error.details.issues) ? (error.details.issues as { path?: unknown; message?: unknown }[]) : [];
      const named = new Map<number, string[]>();
      for (const issue of issues) {
        const match = /^invoices\.([0-9]+)(?:\.(.*))?$/.exec(String(issue.path ?? ""));
        if (match === null) {
          named.clear();
          break;
        }
        const index = Number(match[1]);
        named.set(index, [...(named.get(index) ?? []), `${match[2] ?? "(invoice)"}: ${String(issue.message)}`]);
      }
      if (named.size > 0 && [...named.keys()].every((i) => i < items.length)) {
        onDone([], 0, [...named].map(([i, messages]) => ({ reference: items[i]!.reference, lines: items[i]!.lines, code: error.code, message: messages.join("; "), status: error.status })));
        return send(items.filter((_item, i) => !named.has(i)));
      }
    }
    if (error.code === "DUPLICATE_REFERENCE" && typeof error.details.reference === "string") {
      const index = items.findIndex((item) => item.reference === error.details.reference);
      if (index >= 0) {
        onDone([], 0, refuse([items[index]!], error, "the reference was issued before with other contents"));
        return send(items.filter((_item, i) => i !== index));
      }
    }
    if (items.length === 1) return onDone([], 0, refuse(items, error));
    const half = Math.ceil(items.length / 2);
    await send(items.slice(0, half));
    await send(items.slice(half));
  }

  return send;
}

/** Progress on stderr: a bar with throughput and ETA on a terminal, a line per batch otherwise (logs, CI). */
function createProgressView(total: number, start: number) {
  const began = Date.now();
  const rate = (done: number) => (done - start) / Math.max(0.001, (Date.now() - began) / 1000);
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: "issue [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | refused {refused}", stream: process.stderr, hideCursor: true, etaBuffer: 5000 },
      Presets.shades_classic,
    );
    bar.start(total, start, { rate: "0", refused: 0 });
    return {
      update: (done: number, refused: number) => bar.update(done, { rate: rate(done).toFixed(0), refused }),
      stop: () => bar.stop(),
    };
  }
  return {
    update: (done: number, refused: number) => {
      const perSecond = rate(done);
      const eta = perSecond > 0 ? Math.ceil((total - done) / perSecond) : undefined;
      process.stderr.write(`${done}/${total} done (${done - refused} issued, ${refused} refused; ${perSecond.toFixed(0)}/s${eta === undefined ? "" : `, ETA ${eta}s`})\n`);
    },
    stop: () => undefined,
  };
}

export async function runIssue(command: Command, options: IssueOptions): Promise<{ summary: IssueSummary; exitCode: ExitCode }> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > MAX_BATCH) throw new CliError(EXIT.USAGE, "BAD_OPTION", `--batch-size is 1 to ${MAX_BATCH}`);
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > 16) throw new CliError(EXIT.USAGE, "BAD_OPTION", "--concurrency is 1 to 16");
  const client = clientFor(command);
  const key = globalOptions(command).apiKey ?? process.env.EINVOICE_API_KEY ?? "";
  let read: { invoices: PlannedInvoice[]; refusals: FileRefusal[] };
  try {
    read = readOrdersFile(options.from);
  } catch (error) {
    throw new CliError(EXIT.FAILURE, "UNREADABLE_ORDERS", `cannot read ${options.from}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const progress = openIssueProgress(progressPathFor(options.from), { api: apiUrlOf(globalOptions(command)), key }, { restart: options.restart });
  const began = Date.now();
  const todo = read.invoices.filter((invoice) => progress.issued.get(invoice.reference)?.fingerprint !== fingerprintOf(invoice.body));
  const skipped = read.invoices.length - todo.length;
  const refusals: Refusal[] = read.refusals.map((refusal) => ({ ...refusal }));
  let issued = 0;
  let replayed = 0;
  const total = read.invoices.length + read.refusals.length;
  const view = createProgressView(total, skipped + read.refusals.length);
  const send = createSender(client, progress, (entries, replays, refused) => {
    issued += entries.length;
    replayed += replays;
    refusals.push(...refused);
    view.update(skipped + issued + refusals.length, refusals.length);
  });
  const batches: PlannedInvoice[][] = [];
  for (let i = 0; i < todo.length; i += options.batchSize) batches.push(todo.slice(i, i + options.batchSize));
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined) {
      const batch = batches.shift();
      if (batch === undefined) return;
      await send(batch).catch((error: unknown) => {
        failure ??= error;
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, batches.length)) }, worker));
  } finally {
    view.stop();
    progress.close();
  }
  if (failure !== undefined) throw failure;
  const seconds = (Date.now() - began) / 1000;
  const refusalsByCode: Record<string, number> = {};
  for (const refusal of refusals) refusalsByCode[refusal.code] = (refusalsByCode[refusal.code] ?? 0) + 1;
  const summary: IssueSummary = {
    from: options.from,
    progressFile: progress.path,
    invoices: read.invoices.length,
    issued,
    replayed,
    skipped,
    refused: refusals.length,
    refusalsByCode,
    refusals,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(issued / Math.max(seconds, 0.001)),
  };
  return { summary, exitCode: refusals.length > 0 ? EXIT.PARTIAL : EXIT.OK };
}

/** The summary for a person: counts, then refusals grouped by code, each with its reference and lines. */
export function describeIssueSummary(summary: IssueSummary): string {
  const lines = [
    `${summary.invoices} invoice(s) in ${summary.from}: ${summary.issued} issued in ${summary.seconds}s (${summary.perSecond}/s)` +
      `${summary.replayed > 0 ? `, ${summary.replayed} of them already on the ledger` : ""}` +
      `${summary.skipped > 0 ? `; ${summary.skipped} skipped (issued by an earlier run)` : ""}; ${summary.refused} refused`,
  ];
  const byCode = new Map<string, Refusal[]>();
  for (const refusal of summary.refusals) byCode.set(refusal.code, [...(byCode.get(refusal.code) ?? []), refusal]);
  for (const [code, refusals] of [...byCode].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`  ${code}: ${refusals.length}`);
    for (const refusal of refusals.slice(0, 20)) lines.push(`    ${refusal.reference ?? "(no reference)"} (line ${refusal.lines.join(", ")}): ${refusal.message}`);
    if (refusals.length > 20) lines.push(`    ... and ${refusals.length - 20} more (--json lists them all)`);
  }
  lines.push(`Progress: ${summary.progressFile} (a rerun skips what is recorded there)`);
  return lines.join("\n");
}
