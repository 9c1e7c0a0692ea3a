import type { Command } from "commander";

import { globalOptions } from "./connection";

/** Prints a command's result: the JSON as the API answered with --json (one document on stdout), else the human form. */
export function printResult(command: Command, value: unknown, human: (value: any) => string): void {
  if (globalOptions(command).json === true) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human(value)}\n`);
}

/** `key: value` lines, the keys aligned. */
export function fields(entries: [string, unknown][]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key.padEnd(width)}  ${value === null ? "-" : typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join("\n");
}

/** fen (digit string) as yuan with two decimals, without floating point. */
export function yuan(fen: string | undefined | null): string {
  if (fen === undefined || fen === null || !/^-?[0-9]+$/.test(fen)) return String(fen ?? "-");
  const negative = fen.startsWith("-");
  const digits = (negative ? fen.slice(1) : fen).padStart(3, "0");
  return `${negative ? "-" : ""}CNY ${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
