import { readFileSync, readdirSync } from "node:fs";
import { registerMerchants, startBenchSystem } from "./bench/lib/bench-system";
import { closedLoop } from "./bench/lib/issue-load";
import { PooledApiClient } from "./bench/lib/pooled-api-client";

const TICK = 100; // clock ticks per second
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / TICK;
}
function children(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try { const f = readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" "); if (Number(f[1]) === pid) out.push(Number(d)); } catch {}
  }
  return out;
}
function tree(pid: number): number[] { return [pid, ...children(pid).flatMap(tree)]; }
function cpuTree(pids: number[]): number { let s = 0; for (const p of pids) { try { s += cpuOf(p); } catch {} } return s; }

async function main() {
  const system = await startBenchSystem("ledger-node");
  const reg = await registerMerchants(system.bureau, 4);
  const first = new PooledApiClient(system.api.url, undefined);
  const merchants = reg.merchants.map((m) => first.as(m.apiKey!));
  const buyer = reg.buyer;
  const apiPid = system.api.child.pid!;
  for (const [label, batchSize, concurrency] of [["batch", Number(process.env.BATCH ?? 100), 4], ["single", 1, 64]] as const) {
    if (process.env.ONLY !== undefined && process.env.ONLY !== label) continue;
    const apiTree = tree(apiPid); const pg = apiTree.slice(1);
    const before = { client: process.cpuUsage(), api: cpuOf(apiPid), pg: cpuTree(pg), node: cpuOf(system.chainPid!) };
    const r = await closedLoop({ merchants, buyer, seconds: Number(process.env.SECONDS ?? 15), batchSize, concurrency }, label);
    const c = process.cpuUsage(before.client);
    const per = (s: number) => Math.round((s * 1e6) / r.invoices);
    console.log(label, r.invoicesPerSecond, "/s", JSON.stringify(r.latencyMs), "failures", JSON.stringify(r.failures),
      "CPU µs/invoice: client", per((c.user + c.system) / 1e6), "api", per(cpuOf(apiPid) - before.api), "pg", per(cpuTree(tree(apiPid).slice(1)) - before.pg), "node", per(cpuOf(system.chainPid!) - before.node));
  }
  await system.stop();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
