import type { Observations } from "./observe";

/**
 * The doctor's judgement of what it observed: one finding per part, in words an operator can act on.
 * Pure, so that every finding (a lagging index, a nearly full disk, an old snapshot) is tested from the
 * observations that cause it as well as on a running system.
 */
export type Severity = "ok" | "warn" | "fail";

export interface Finding {
  check: "node" | "api" | "database" | "index" | "snapshot" | "contracts" | "disk";
  severity: Severity;
  /** A stable code for scripts (`--json`). */
  code: string;
  message: string;
}

export interface Limits {
  /** The API's index may be this many blocks behind the chain head before it is a problem. */
  maxIndexLagBlocks: number;
  /** The state snapshot may be this old (seconds) while blocks were sealed after it. */
  maxSnapshotAgeSeconds: number;
  /** Free space on the data directory's disk below which it is a problem. */
  minFreeBytes: number;
  minFreePercent: number;
}

export const DEFAULT_LIMITS: Limits = { maxIndexLagBlocks: 50, maxSnapshotAgeSeconds: 3_600, minFreeBytes: 2 * 1024 ** 3, minFreePercent: 5 };

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

export function diagnose(seen: Observations, limits: Limits, where: { rpcUrl: string; apiUrl: string; logs: string }): Finding[] {
  const findings: Finding[] = [];
  const node = seen.node.value;
  if (!seen.node.ok || node === undefined) {
    findings.push({ check: "node", severity: "fail", code: "NODE_UNREACHABLE", message: `the ledger node does not answer at ${where.rpcUrl} (${seen.node.error ?? "no answer"}): is it running? Start it with npm start (or npm run node); its log is ${where.logs}/ledger-node.log` });
  } else {
    findings.push({ check: "node", severity: "ok", code: "NODE_OK", message: `the ledger node answers at ${where.rpcUrl}: ${node.role ?? "primary"}, block ${node.head?.number ?? "?"}` });
  }

  const api = seen.api.value;
  if (!seen.api.ok || api === undefined) {
    findings.push({ check: "api", severity: "fail", code: "API_UNREACHABLE", message: `the API does not answer at ${where.apiUrl} (${seen.api.error ?? "no answer"}): is it running? Its log is ${where.logs}/api.log` });
  } else {
    const healthy = api.status === "ok";
    findings.push({ check: "api", severity: healthy ? "ok" : "fail", code: healthy ? "API_OK" : "API_UNHEALTHY", message: healthy ? `the API answers at ${where.apiUrl}` : `the API answers at ${where.apiUrl} but reports "${api.status ?? "?"}"${api.chain?.ok === false ? ": it cannot reach the ledger node" : ""}` });
    const storage = api.storage?.status;
    findings.push(
      storage === "ok" || storage === undefined
        ? { check: "database", severity: "ok", code: "DATABASE_OK", message: "the API's database takes requests" }
        : storage === "corrupted"
          ? { check: "database", severity: "fail", code: "DATABASE_CORRUPTED", message: "the API's database holds a damaged page: stop the API and restore the database from a backup (npm run restore)" }
          : { check: "database", severity: "fail", code: "DATABASE_UNAVAILABLE", message: `the API's database does not take requests (${storage}): check that PostgreSQL runs, that its disk is not full, and ${where.logs}/api.log` },
    );
    const head = seen.chainHead.value ?? node?.head?.number ?? api.chain?.block;
    const indexed = api.index?.indexedBlock;
    if (api.index?.aheadOfChain === true) {
      findings.push({ check: "index", severity: "fail", code: "INDEX_AHEAD_OF_CHAIN", message: "the API's index names blocks the chain does not have: wrong chain, or a chain that lost blocks (see the API's log; npm run api:reindex once the chain is the right one)" });
    } else if (head !== undefined && indexed !== undefined) {
      const lag = Math.max(0, head - indexed);
      findings.push(
        lag > limits.maxIndexLagBlocks
          ? { check: "index", severity: "fail", code: "INDEX_LAGGING", message: `the API's index is ${lag} blocks behind the chain (block ${indexed} of ${head}; more than ${limits.maxIndexLagBlocks}): searches, reports and traces miss the newest changes. Check that the API can reach the node and ${where.logs}/api.log` }
          : { check: "index", severity: "ok", code: "INDEX_OK", message: `the API's index follows the chain (${lag} block${lag === 1 ? "" : "s"} behind)` },
      );
      if ((api.index?.missingDocuments ?? 0) > 0) findings.push({ check: "index", severity: "fail", code: "DOCUMENTS_MISSING", message: `${api.index?.missingDocuments} invoices on chain have no document in the API's database: it was restored from an older backup than the chain; restore the matching backup` });
    }
  }

  if (node !== undefined) {
    const snapshot = node.snapshot;
    const writtenAt = typeof snapshot?.lastWrite?.at === "string" ? Date.parse(snapshot.lastWrite.at) : NaN;
    const lastWrite = Number.isFinite(writtenAt) ? writtenAt : undefined;
    const behind = node.head?.number !== undefined && typeof snapshot?.block === "number" ? node.head.number - snapshot.block : undefined;
    const ageSeconds = lastWrite === undefined ? undefined : Math.round((seen.at - lastWrite) / 1000);
    if (behind !== undefined && behind > 0 && ageSeconds !== undefined && ageSeconds > limits.maxSnapshotAgeSeconds) {
      findings.push({ check: "snapshot", severity: "warn", code: "SNAPSHOT_OLD", message: `the node's state snapshot is ${ageSeconds} s old and ${behind} blocks behind: a restart now re-executes those blocks. The node writes one every 1,000 blocks or 30 s; look for snapshot errors in ${where.logs}/ledger-node.log` });
    } else {
      findings.push({ check: "snapshot", severity: "ok", code: "SNAPSHOT_OK", message: typeof snapshot?.block === "number" ? `the node's state snapshot is at block ${snapshot.block}${ageSeconds === undefined ? "" : `, written ${ageSeconds} s ago`}` : "no state snapshot yet (a new chain)" });
    }
    const contracts = node.contracts as { matchesBuild?: boolean; message?: string } | undefined;
    if (contracts?.matchesBuild === false) {
      findings.push({ check: "contracts", severity: "fail", code: "CONTRACTS_MISMATCH", message: `the deployed contracts are not this build's${contracts.message === undefined ? "" : ` (${contracts.message})`}: the API refuses to start; see npm run upgrade -- status` });
    }
  }

  const disk = seen.disk.value;
  if (!seen.disk.ok || disk === undefined) {
    findings.push({ check: "disk", severity: "fail", code: "DATA_DIR_UNREADABLE", message: `cannot read the data directory's disk (${seen.disk.error ?? "?"})` });
  } else {
    const percent = disk.totalBytes === 0 ? 0 : (100 * disk.freeBytes) / disk.totalBytes;
    const low = disk.freeBytes < limits.minFreeBytes || percent < limits.minFreePercent;
    findings.push(
      low
        ? { check: "disk", severity: "fail", code: "DISK_NEARLY_FULL", message: `the disk holding ${disk.path} has ${gib(disk.freeBytes)} free (${percent.toFixed(1)} %; below ${gib(limits.minFreeBytes)} or ${limits.minFreePercent} %): when it fills, the node and the database stop taking writes. Free space or move the data directory` }
        : { check: "disk", severity: "ok", code: "DISK_OK", message: `the disk holding ${disk.path} has ${gib(disk.freeBytes)} free (${percent.toFixed(1)} %)` },
    );
  }
  return findings;
}
