import { rmSync } from "node:fs";
import { join } from "node:path";

import pino from "pino";

import { startEmbeddedServer } from "../../../api/db/embedded-server";

import type { ApiClient } from "../../../scripts/lib/api-client";
import { bureauClient, startApiProcess, type ApiProcess } from "../../../scripts/lib/api-process";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../../scripts/lib/node-process";

/**
 * The ledger node and the API as real processes on one data directory, started the way `npm start` starts
 * them, for tests that kill them. Restarts keep the ports, so clients keep their addresses.
 */
export class RealProcesses {
  private constructor(
    readonly dataDir: string,
    public node: NodeProcess,
    public api: ApiProcess,
    private readonly apiEnv: Record<string, string>,
  ) {}

  static async start(apiEnv: Record<string, string> = {}): Promise<RealProcesses> {
    const dataDir = freshDataDir();
    const node = await startNodeProcess(dataDir, {}, 5);
    return new RealProcesses(dataDir, node, await startApiProcess(dataDir, node.url, apiEnv), apiEnv);
  }

  bureau(): ApiClient {
    return bureauClient(this.api);
  }

  async restartNode(): Promise<void> {
    this.node = await startNodeProcess(this.dataDir, {}, 5, { port: Number(new URL(this.node.url).port) });
  }

  async restartApi(): Promise<void> {
    this.api = await startApiProcess(this.dataDir, this.node.url, this.apiEnv, { port: Number(new URL(this.api.url).port) });
  }

  /** The embedded database's URL, for another API instance on the same database. */
  databaseUrl(): string {
    return `postgresql://ledger@localhost/ledger_api?host=${encodeURIComponent(join(this.dataDir, "postgres"))}`;
  }

  async close(): Promise<void> {
    await this.api.kill();
    await this.node.kill();
    // A killed API leaves its embedded server running (the next start adopts it): stopped here.
    await (await startEmbeddedServer(join(this.dataDir, "postgres"), pino({ level: "silent" }))).stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
