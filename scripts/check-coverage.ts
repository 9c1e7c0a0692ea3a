/**
 * Fails when the contracts' branch coverage (from `hardhat coverage`) falls below the floor.
 *
 *   npm run coverage
 */
import { readFileSync } from "node:fs";

const FLOOR = { branches: 95, lines: 95 } as const;

interface Totals { pct: number; covered: number; total: number }
const summary = JSON.parse(readFileSync("coverage/coverage-summary.json", "utf8")) as { total: Record<keyof typeof FLOOR, Totals> };

let failed = false;
for (const metric of Object.keys(FLOOR) as (keyof typeof FLOOR)[]) {
  const { pct, covered, total } = summary.total[metric];
  const ok = pct >= FLOOR[metric];
  failed ||= !ok;
  console.log(`${ok ? "ok  " : "FAIL"} ${metric}: ${pct}% (${covered}/${total}), floor ${FLOOR[metric]}%`);
}
process.exitCode = failed ? 1 : 0;
