import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import pino, { type Logger } from "pino";

import { startApi, type RunningApi } from "../../../api/api-server";
import { resolveApiConfig, type ApiConfig } from "../../../api/config";
import { periodOf } from "../../../api/domain/tax-period";
import { ApiClient, expectStatus } from "../../../scripts/lib/api-client";
import { randomTaxpayerId } from "../../../scripts/lib/demo-data";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../../scripts/lib/node-process";

/**
 * A real ledger node process with the API in this process (createApp through startApi), for route tests.
 * The same files as `npm start` uses: the node's deployment and authority key under the data directory.
 */
export interface TestSystem {
  dataDir: string;
  node: NodeProcess;
  api: RunningApi;
  bureau: ApiClient;
  close(): Promise<void>;
}

/** The API's configuration for tests: the files of the node's data directory `dataDir`, any free port, short timers. */
export function testApiConfig(dataDir: string, rpcUrl: string, overrides: Partial<ApiConfig> = {}): ApiConfig {
  return resolveApiConfig(
    {
      dataDir: join(dataDir, "api"),
      port: 0,
      rpcUrl,
      deploymentFile: join(dataDir, "deployment.json"),
      bureauKeyFile: join(dataDir, "authority.key"),
      databaseDir: join(dataDir, "postgres"),
      adminTokenFile: join(dataDir, "admin.token"),
      masterKey: "test master secret",
      pollIntervalMs: 10,
      ...overrides,
    },
    {},
  );
}

/** `logger`: the API's (default: silent, or at the level TEST_API_LOG names), e.g. to read what it logs. */
export async function startSystem(overrides: Partial<ApiConfig> = {}, options: { logger?: Logger } = {}): Promise<TestSystem> {
  const dataDir = freshDataDir();
  const node = await startNodeProcess(dataDir, {}, 2);
  const config = testApiConfig(dataDir, node.url, overrides);
  // A start that fails must not leave the node behind (it would outlive the test run).
  const api = await startApi(config, options.logger ?? pino({ level: process.env.TEST_API_LOG ?? "silent" })).catch(async (error: unknown) => {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const bureau = new ApiClient(api.url, readFileSync(api.bureauKeyFile, "utf8").trim());
  const system: TestSystem = {
    dataDir,
    node,
    api,
    bureau,
    async close() {
      // The API running now: a test may have restarted it (system.api replaced). Closing the first one again
      // instead stopped the database server under the second, whose watch started it again during the removal.
      await system.api.close();
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return system;
}

export interface Org {
  account: string;
  taxpayerId: string;
  name: string;
  client: ApiClient;
}

export interface Person {
  account: string;
  client: ApiClient;
}

/** The cast of the story: two merchants with quota, two enterprises, employees of each. */
export async function registerCast(bureau: ApiClient, quota = "1000000000") {
  const period = periodOf(new Date());
  const org = async (role: "merchant" | "enterprise", name: string): Promise<Org> => {
    const body = expectStatus(await bureau.post("/v1/participants", { role, name, taxpayerId: randomTaxpayerId() }), 201, `register ${name}`);
    return { account: body.participant.account, taxpayerId: body.participant.taxpayerId, name, client: bureau.as(body.apiKey) };
  };
  const merchant = await org("merchant", "深圳市测试餐饮有限公司");
  const otherMerchant = await org("merchant", "深圳市测试酒店有限公司");
  const enterprise = await org("enterprise", "深圳市测试科技有限公司");
  const otherEnterprise = await org("enterprise", "深圳市测试贸易有限公司");
  for (const m of [merchant, otherMerchant]) expectStatus(await bureau.put(`/v1/merchants/${m.account}/quotas/${period}`, { granted: quota }), 200, "quota");
  const person = async (employer: Org, name: string): Promise<Person> => {
    const body = expectStatus(await employer.client.post("/v1/employees", { name }), 201, `employee ${name}`);
    return { account: body.participant.account, client: employer.client.as(body.apiKey) };
  };
  const employee = await person(enterprise, "张三");
  const colleague = await person(enterprise, "李四");
  const outsider = await person(otherEnterprise, "王五");
  return { period, merchant, otherMerchant, enterprise, otherEnterprise, employee, colleague, outsider };
}

export type Cast = Awaited<ReturnType<typeof registerCast>>;
