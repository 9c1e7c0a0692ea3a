import { readFileSync, writeFileSync } from "node:fs";

import type { Command } from "commander";
import { Wallet } from "ethers";

import type { components } from "../../sdk/src/generated/openapi";
import { verifyProofBundle } from "../../sdk/src/proof";
import { actWithOwnKey, claimWithOwnKey } from "../../sdk/src/self-custody";
import { clientFor } from "./connection";
import { CliError, EXIT } from "./exit-codes";
import { fields, printResult, yuan } from "./output";

type Invoice = components["schemas"]["Invoice"];

/** An invoice for a person: what it is, where it stands, who holds it. */
export function describeInvoice(invoice: Invoice): string {
  return fields([
    ["id", invoice.id],
    ["number", invoice.printedNumber ?? invoice.number],
    ["state", invoice.state],
    ["total", yuan(invoice.total)],
    ["tax", yuan(invoice.tax)],
    ["seller", invoice.seller.name ?? invoice.seller.account],
    ["holder", invoice.holder],
    ["enterprise", invoice.enterprise],
    ["filed", invoice.filedPeriod ?? undefined],
  ]);
}

const readJson = (path: string): unknown => {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(EXIT.FAILURE, "UNREADABLE_FILE", `cannot read ${path} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/**
 * A party's own chain key for self-custody (--key-file, or EINVOICE_PARTY_KEY): the command signs its request
 * here with it and the API relays it through the forwarder (POST /v1/forward); the key never leaves this machine.
 * Undefined: act through the API as a hosted party.
 */
function ownKey(options: { keyFile?: string }): Wallet | undefined {
  const text = options.keyFile !== undefined ? readFileSync(options.keyFile, "utf8").trim() : process.env.EINVOICE_PARTY_KEY;
  if (text === undefined || text === "") return undefined;
  try {
    return new Wallet(text);
  } catch {
    throw new CliError(EXIT.USAGE, "INVALID_PARTY_KEY", `${options.keyFile ?? "EINVOICE_PARTY_KEY"} does not hold a private key (0x + 64 hex digits)`);
  }
}

/** verify, claim, submit, reimburse, file, export: one invoice at a time. */
export function addInvoiceCommands(program: Command): void {
  program
    .command("verify")
    .description("Check an invoice: by number, check code and total (no API key needed); a document file against the ledger; or an offline proof bundle")
    .argument("[number]", "the 20-digit printed number (or the ledger's number)")
    .option("--check-code <digits>", "the check code printed on the invoice")
    .option("--total <fen>", "the total including tax, in fen")
    .option("--document <file>", "a document file (JSON, as the API gives it) to verify instead")
    .option("--proof <file>", "an offline proof bundle (GET /v1/invoices/{id}/proof) to check without the API")
    .option("--authority <address>", "with --proof: the chain authority's address that must have sealed the block")
    .addHelpText("after", "\nExamples:\n  einvoice verify 26441000000000000042 --check-code 01234567890123456789 --total 11300\n  einvoice verify --proof proof.json --authority 0xAbC...")
    .action(async (number: string | undefined, options: { checkCode?: string; total?: string; document?: string; proof?: string; authority?: string }, command: Command) => {
      if (options.proof !== undefined) {
        const verdict = await verifyProofBundle(readJson(options.proof), options.authority === undefined ? {} : { authority: options.authority });
        printResult(command, verdict, (v: typeof verdict) => (v.valid ? `valid: ${v.proves.kind} ${v.proves.record.number} is ${"state" in v.proves.record ? v.proves.record.state : ""} at block ${v.proves.blockNumber}` : `NOT valid: ${v.reason} (${v.detail})`));
        if (!verdict.valid) throw new CliError(EXIT.REFUSED, verdict.reason, verdict.detail);
        return;
      }
      const client = clientFor(command, false);
      const verdict =
        options.document !== undefined
          ? await client.verifyDocument({ body: readJson(options.document) as components["schemas"]["DocumentFileUpload"] })
          : await (async () => {
              if (number === undefined || options.checkCode === undefined || options.total === undefined) throw new CliError(EXIT.USAGE, "MISSING_ARGUMENT", "give the number, --check-code and --total (or --document, or --proof)");
              return client.verifyByNumber({ query: { number, checkCode: options.checkCode, total: options.total } });
            })();
      printResult(command, verdict, (v: typeof verdict) => (v.authentic ? `authentic: ${v.state ?? "?"}` : `NOT authentic${v.mismatch === undefined ? "" : `: the ${v.mismatch} disagrees with the ledger`}`));
      if (!verdict.authentic) throw new CliError(EXIT.REFUSED, "NOT_AUTHENTIC", "the invoice does not verify");
    });

  program
    .command("claim")
    .description("Claim an invoice (employee or enterprise): by its id and claim code, or by number, check code and claim code as its QR code carries")
    .argument("[id]", "the invoice's id (0x...)")
    .requiredOption("--claim-code <hex>", "the claim code printed on the buyer's copy")
    .option("--number <digits>", "instead of the id: the printed number")
    .option("--check-code <digits>", "with --number: the check code")
    .option("--key-file <file>", "self-custody: sign with your own chain key (or EINVOICE_PARTY_KEY)")
    .addHelpText("after", "\nExample:\n  einvoice claim 0x5f...e1 --claim-code 0x9a...44")
    .action(async (id: string | undefined, options: { claimCode: string; number?: string; checkCode?: string; keyFile?: string }, command: Command) => {
      const client = clientFor(command);
      const key = ownKey(options);
      if (key !== undefined) {
        if (id === undefined) throw new CliError(EXIT.USAGE, "MISSING_ARGUMENT", "with your own key, give the invoice's id");
        printResult(command, (await claimWithOwnKey(client, key, { invoiceId: id, claimCode: options.claimCode })) as Invoice, describeInvoice);
        return;
      }
      let invoice: Invoice;
      if (id !== undefined) invoice = await client.claimInvoice({ params: { id }, body: { claimCode: options.claimCode } });
      else if (options.number !== undefined && options.checkCode !== undefined) invoice = await client.claimInvoiceByNumber({ body: { number: options.number, checkCode: options.checkCode, claimCode: options.claimCode } });
      else throw new CliError(EXIT.USAGE, "MISSING_ARGUMENT", "give the invoice's id, or --number and --check-code");
      printResult(command, invoice, describeInvoice);
    });

  program
    .command("submit")
    .description("Submit an invoice you hold for reimbursement to an enterprise (which locks it)")
    .argument("<id>", "the invoice's id")
    .requiredOption("--enterprise <account>", "the enterprise's account (0x...)")
    .option("--key-file <file>", "self-custody: sign with your own chain key (or EINVOICE_PARTY_KEY)")
    .addHelpText("after", "\nExample:\n  einvoice submit 0x5f...e1 --enterprise 0x12...ab")
    .action(async (id: string, options: { enterprise: string; keyFile?: string }, command: Command) => {
      const client = clientFor(command);
      const key = ownKey(options);
      const invoice = key === undefined ? await client.submitInvoice({ params: { id }, body: { enterprise: options.enterprise } }) : ((await actWithOwnKey(client, key, { action: "submit", id, enterprise: options.enterprise })) as Invoice);
      printResult(command, invoice, describeInvoice);
    });

  program
    .command("reimburse")
    .description("Reimburse an invoice submitted to your enterprise")
    .argument("<id>", "the invoice's id")
    .addHelpText("after", "\nExample:\n  einvoice reimburse 0x5f...e1")
    .action(async (id: string, _options: unknown, command: Command) => {
      printResult(command, await clientFor(command).reimburseInvoice({ params: { id } }), describeInvoice);
    });

  program
    .command("file")
    .description("File a reimbursed invoice into your enterprise's books for a tax period")
    .argument("<id>", "the invoice's id")
    .requiredOption("--period <YYYYMM>", "the tax period, e.g. 202611")
    .addHelpText("after", "\nExample:\n  einvoice file 0x5f...e1 --period 202611")
    .action(async (id: string, options: { period: string }, command: Command) => {
      if (!/^[0-9]{6}$/.test(options.period)) throw new CliError(EXIT.USAGE, "BAD_OPTION", "--period is YYYYMM, e.g. 202611");
      printResult(command, await clientFor(command).fileInvoice({ params: { id }, body: { period: options.period } }), describeInvoice);
    });

  program
    .command("export")
    .description("Save an invoice (or credit note) as PDF or UBL 2.1 XML")
    .argument("<id>", "the invoice's (or credit note's) id")
    .option("--format <format>", "pdf or ubl", "pdf")
    .option("--credit-note", "the id is a credit note's")
    .option("-o, --out <file>", "where to write it (- for stdout); default <id>.pdf or <id>.xml")
    .addHelpText("after", "\nExamples:\n  einvoice export 0x5f...e1 --format pdf -o invoice.pdf\n  einvoice export 0x5f...e1 --format ubl -o - | xmllint --noout -")
    .action(async (id: string, options: { format: string; creditNote?: boolean; out?: string }, command: Command) => {
      const client = clientFor(command);
      const note = options.creditNote === true;
      let bytes: Uint8Array;
      if (options.format === "pdf") bytes = note ? await client.getCreditNotePdf({ params: { id } }) : await client.getInvoicePdf({ params: { id } });
      else if (options.format === "ubl") bytes = new TextEncoder().encode(note ? await client.getCreditNoteUbl({ params: { id } }) : await client.getInvoiceUbl({ params: { id } }));
      else throw new CliError(EXIT.USAGE, "BAD_OPTION", "--format is pdf or ubl");
      const out = options.out ?? `${id}.${options.format === "pdf" ? "pdf" : "xml"}`;
      if (out === "-") {
        process.stdout.write(bytes);
        return;
      }
      writeFileSync(out, bytes);
      printResult(command, { id, format: options.format, file: out, bytes: bytes.length }, (v: { file: string; bytes: number }) => `wrote ${v.file} (${v.bytes} bytes)`);
    });
}
