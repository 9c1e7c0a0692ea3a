import { sql, type InsertQueryBuilder, type InsertResult } from "kysely";

import type { Db } from "./database";
import type { Schema } from "./schema";

/**
 * Statements over many rows or values with one parameter, however many there are: a range of blocks can
 * change tens of thousands of rows, and the index's rebuild rate depends on writing them in few statements.
 * (A multi-row VALUES takes a parameter per value, at most 65,535 in all; arrays through `unnest` cost the
 * server more to parse than one JSON document does.)
 */
type JsonValue = string | number | boolean | null | object;

/** A row as JSON: every column, by its name; int8 as digit strings, timestamps as ISO strings, json columns as values. */
export type JsonRow<T extends keyof Schema> = { [C in keyof Schema[T]]-?: JsonValue };

/** `INSERT INTO table (columns) SELECT ... FROM json_populate_recordset(...)` of these rows (at least one). */
export function insertRows<T extends keyof Schema & string>(db: Db, table: T, rows: readonly JsonRow<T>[]): InsertQueryBuilder<Schema, T, InsertResult> {
  const columns = Object.keys(rows[0]!);
  const rowsAsJson = JSON.stringify(rows);
  return db
    .insertInto(table)
    .columns(columns as never)
    .expression(sql`SELECT ${sql.join(columns.map((column) => sql.ref(column)))} FROM json_populate_recordset(NULL::${sql.table(table)}, ${rowsAsJson}::json)`);
}

/** These rows (some of the table's columns) as a set of the table's records, for the `IN` of a delete, say. */
export function jsonRecords<T extends keyof Schema & string>(table: T, rows: readonly Partial<JsonRow<T>>[]) {
  return sql`json_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows)}::json)`;
}

/** `column = any($1)`: one parameter however many values. */
export const anyOf = (values: readonly string[]) => sql<string>`any(${values}::text[])`;
