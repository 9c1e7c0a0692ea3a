import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of the benchmark's processes, from /proc (Linux): user + system seconds, children included, so that
 * a load run can report CPU per invoice for each process (load client, API, PostgreSQL, node) beside its
 * throughput, and a regression shows where it came from. Embedded PostgreSQL runs detached (its postmaster's
 * parent is init): it is found by its data directory on its command line.
 */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** utime + stime of the process itself. */
  own: number;
  /** cutime + cstime: its children that exited and were waited for. */
  reaped: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return { ppid: Number(fields[1]), own: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, reaped: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // exited meanwhile
  }
}

function pids(): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
}

/** Seconds of CPU the process and all its descendants (living, or exited and reaped) have used. */
export function treeCpuSeconds(root: number): number {
  const all = new Map<number, Stat>();
  for (const pid of pids()) {
    const found = stat(pid);
    if (found !== undefined) all.set(pid, found);
  }
  let total = 0;
  const visit = (pid: number) => {
    const own = all.get(pid);
    if (own === undefined) return;
    total += own.own + own.reaped;
    for (const [child, childStat] of all) if (childStat.ppid === pid) visit(child);
  };
  visit(root);
  return total;
}

/** The postmaster of the PostgreSQL cluster whose data directory lies under `dataRoot`, if one runs. */
export function postgresOf(dataRoot: string): number | undefined {
  for (const pid of pids()) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (cmdline.some((arg) => arg.startsWith(dataRoot)) && stat(pid)?.ppid === 1) return pid;
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

/** The processes to read: a pid (its tree), or "self" for this process alone (its children are the others). */
export type CpuProcesses = Record<string, number | "self" | undefined>;

/** CPU seconds of each named process now; `perInvoice` turns two readings into µs per invoice. */
export function cpuReading(processes: CpuProcesses): Record<string, number> {
  const reading: Record<string, number> = {};
  for (const [name, pid] of Object.entries(processes)) {
    if (pid === "self") {
      const used = process.cpuUsage();
      reading[name] = (used.user + used.system) / 1e6;
    } else if (pid !== undefined) reading[name] = treeCpuSeconds(pid);
  }
  return reading;
}

export function perInvoice(before: Record<string, number>, after: Record<string, number>, invoices: number): Record<string, number> {
  const result: Record<string, number> = {};
  for (const name of Object.keys(after)) result[name] = invoices === 0 ? NaN : Math.round(((after[name]! - (before[name] ?? 0)) * 1e6) / invoices);
  return result;
}
