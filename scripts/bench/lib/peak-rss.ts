import { readFileSync } from "node:fs";

/** A memory line of /proc/<pid>/status, in MiB; undefined where /proc is absent. */
function statusMiB(pid: number | undefined, field: "VmHWM" | "VmRSS"): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kib = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kib === undefined ? undefined : Math.round(Number(kib) / 1024);
  } catch {
    return undefined;
  }
}

/**
 * Peak resident memory of a running process, from Linux's own high-water mark (VmHWM in /proc/<pid>/status):
 * the peak over the process's whole life, not a sample that could miss a spike. Undefined where /proc is absent.
 */
export function peakRssMiB(pid: number | undefined): number | undefined {
  return statusMiB(pid, "VmHWM");
}

/** Resident memory of a running process now (VmRSS). Undefined where /proc is absent. */
export function rssMiB(pid: number | undefined): number | undefined {
  return statusMiB(pid, "VmRSS");
}
