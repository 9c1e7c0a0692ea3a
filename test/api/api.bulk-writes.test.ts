import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import pino from "pino";

import { openDatabase, type Database } from "../../api/db/database";
import { deferIndexes, restoreIndexes } from "../../api/db/deferred-indexes";
import { INDEX_TABLES } from "../../api/db/event-index";
import { insertRows, type JsonRow } from "../../api/db/bulk";

/**
 * The index's bulk writes, on a fresh embedded database: rows written by COPY read back exactly as the same
 * rows written by a statement (text that COPY's format escapes, nulls, json, int8, times), and the secondary
 * indexes a rebuild sets aside come back exactly as the migrations made them, also after a rebuild that was
 * interrupted with them dropped.
 */
describe("the event index's bulk writes: COPY rows, deferred indexes", function () {
  this.timeout(120_000);
  let root: string;
  let database: Database;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "bulk-writes-"));
    database = await openDatabase({ databaseUrl: undefined, embeddedDir: join(root, "postgres"), ownsServer: true }, pino({ level: "silent" }));
  });
  after(async () => {
    await database?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Every index of the index tables with its definition, and which back a constraint. */
  const indexes = async () =>
    (
      await database.db
        .selectFrom("pg_indexes" as never)
        .select(["indexname", "indexdef"] as never)
        .where("tablename" as never, "in", [...INDEX_TABLES] as never)
        .orderBy("indexname" as never)
        .execute()
    ).map((row) => JSON.stringify(row));

  const awkward = "tab\there, newline\nthere, CR\rhere, backslash \\ and \\N and \\t, quote \" ' , 发票 🧾, end\\";

  function invoiceRow(id: string, number: string, holder: string | null): JsonRow<"invoices"> {
    return {
      id,
      number,
      seller: "0x00000000000000000000000000000000000000aa",
      buyer_tax_id: awkward,
      total: "123456789012345",
      tax: "0",
      state: "Issued",
      frozen_from: null,
      holder,
      enterprise: null,
      filed_period: null,
      reversed_total: "0",
      reversed_tax: "0",
      pending_credit_note: null,
      issued_at: "2026-11-25T10:00:00.123Z",
      issued_period: 202611,
      updated_at: "2026-11-25T10:00:00.123Z",
      seal: `0x${"5e".repeat(24)}`,
    };
  }

  it("reads rows written by COPY back exactly as the same rows written by a statement", async () => {
    const event = { type: "InvoiceIssued", note: awkward, nested: { list: [1, "2", null], text: "\t\n\\" } };
    await database.pinned((db, copyRows) =>
      db.transaction().execute(async (trx) => {
        await copyRows("invoices", [invoiceRow("0xc0", "9007199254740993", null), invoiceRow("0xc1", "2", awkward)]);
        await insertRows(trx, "invoices", [invoiceRow("0xd0", "3", null), invoiceRow("0xd1", "4", awkward)]).execute();
        await copyRows("invoice_events", [{ invoice_id: "0xc0", block_number: "1", transaction_index: 0, log_index: 0, event }]);
        await insertRows(trx, "invoice_events", [{ invoice_id: "0xd0", block_number: "1", transaction_index: 0, log_index: 0, event }]).execute();
      }),
    );
    const rows = await database.db.selectFrom("invoices").selectAll().orderBy("id").execute();
    const { id: _c0, number: n0, ...copied0 } = rows[0]!;
    const { id: _c1, number: _n1, ...copied1 } = rows[1]!;
    const { id: _d0, number: _n2, ...inserted0 } = rows[2]!;
    const { id: _d1, number: _n3, ...inserted1 } = rows[3]!;
    expect(rows.map((row) => row.id)).to.deep.equal(["0xc0", "0xc1", "0xd0", "0xd1"]);
    expect(copied0).to.deep.equal(inserted0);
    expect(copied1).to.deep.equal(inserted1);
    expect(copied1.buyer_tax_id).to.equal(awkward);
    expect(copied1.holder).to.equal(awkward);
    expect(copied0.holder).to.equal(null);
    expect(n0).to.equal("9007199254740993");
    const events = await database.db.selectFrom("invoice_events").select(["invoice_id", "event"]).orderBy("invoice_id").execute();
    expect(events.map((row) => row.event)).to.deep.equal([event, event]);
  });

  it("makes a COPY part of its transaction: a failure after it leaves nothing, and a duplicate row is refused", async () => {
    const before = await database.db.selectFrom("invoices").select("id").orderBy("id").execute();
    let failure: unknown;
    await database
      .pinned((db, copyRows) =>
        db.transaction().execute(async () => {
          await copyRows("invoices", [invoiceRow("0xe0", "5", null)]);
          throw new Error("after the copy");
        }),
      )
      .catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal("after the copy");
    failure = undefined;
    await database.pinned((_db, copyRows) => copyRows("invoices", [invoiceRow("0xc0", "6", null)])).catch((error: unknown) => (failure = error));
    expect((failure as { code?: string }).code).to.equal("23505"); // unique_violation: the primary key holds
    expect(await database.db.selectFrom("invoices").select("id").orderBy("id").execute()).to.deep.equal(before);
    // The pool still serves after a connection that failed mid-COPY was discarded.
    expect(await database.db.selectFrom("invoices").select("id").execute()).to.have.length(before.length);
  });

  it("sets the secondary indexes aside and brings back exactly those the migrations made, also after an interrupted rebuild", async () => {
    const made = await indexes();
    expect(made.filter((index) => index.includes("invoices_seller"))).to.have.length(1);

    const deferral = { indexesOf: INDEX_TABLES, constraintsOf: ["invoice_events"] };
    await deferIndexes(database.db, deferral);
    const whileDeferred = await indexes();
    // Only the indexes of constraints stay (primary keys, the invoice number's uniqueness), but the events' primary key.
    expect(whileDeferred.every((index) => /_pkey"|_pk"|_key"/.test(index))).to.equal(true);
    expect(whileDeferred.some((index) => index.includes('"invoice_events_pk"'))).to.equal(false);
    expect(whileDeferred.some((index) => index.includes('"invoices_pkey"'))).to.equal(true);
    expect(whileDeferred.length).to.be.greaterThan(0);
    expect(whileDeferred.length).to.be.lessThan(made.length);

    // Killed here; the next rebuild defers again (nothing left to drop) and must still know every index.
    await deferIndexes(database.db, deferral);
    expect(await indexes()).to.deep.equal(whileDeferred);
    expect(await restoreIndexes(database.db)).to.have.length(made.length - whileDeferred.length);
    expect(await indexes()).to.deep.equal(made);

    // Restoring again (nothing deferred) changes nothing.
    expect(await restoreIndexes(database.db)).to.deep.equal([]);
    expect(await indexes()).to.deep.equal(made);
  });
});
