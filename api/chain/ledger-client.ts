import { readFile } from "node:fs/promises";

import { getAddress, type JsonRpcProvider } from "ethers";

import { InvoiceLedger__factory, ParticipantRegistry__factory, type InvoiceLedger, type ParticipantRegistry } from "../../typechain-types";
import type { ApiConfig } from "../config";
import { JsonRpcTransport, PooledJsonRpcProvider } from "./json-rpc";

/**
 * The API's view of the chain: one JSON-RPC provider and the typed contracts, read-only. Writes go through
 * each party's own account (see account-sender.ts). Only standard JSON-RPC is used, so any endpoint works.
 */
export interface LedgerClient {
  provider: JsonRpcProvider;
  chainId: bigint;
  ledger: InvoiceLedger;
  registry: ParticipantRegistry;
  addresses: { ledger: string; registry: string; forwarder: string };
  /** Block the contracts were deployed in: where indexing starts. */
  deploymentBlock: number;
  /** One plain JSON-RPC call, for large answers (logs) that ethers would wrap object by object. */
  rpc<T>(method: string, params: unknown[]): Promise<T>;
}

interface DeploymentFile {
  chainId: number;
  ledger: string;
  registry: string;
  forwarder: string;
  blockNumber: number;
}

export async function connectLedger(given: Pick<ApiConfig, "rpcUrl" | "rpcToken" | "adminToken" | "adminTokenFile" | "deploymentFile" | "pollIntervalMs">): Promise<LedgerClient> {
  const config = { ...given, bearer: await ledgerBearer(given) };
  let deployment: DeploymentFile;
  try {
    deployment = JSON.parse(await readFile(config.deploymentFile, "utf8")) as DeploymentFile;
  } catch (error) {
    throw new Error(`cannot read the contract deployment ${config.deploymentFile}: start the ledger node first, or run npm run deploy`, { cause: error });
  }
  const transport = new JsonRpcTransport(config.rpcUrl, config.bearer);
  // batchMaxCount 1: no 10 ms batching delay; cacheTimeout -1: no stale answers (nonces, receipts).
  const provider = new PooledJsonRpcProvider(transport, deployment.chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: config.pollIntervalMs });
  const network = await provider.send("eth_chainId", []);
  if (BigInt(network as string) !== BigInt(deployment.chainId)) {
    throw new Error(`the endpoint serves chain ${BigInt(network as string)}, the deployment is for chain ${deployment.chainId}`);
  }
  return {
    provider,
    chainId: BigInt(deployment.chainId),
    ledger: InvoiceLedger__factory.connect(deployment.ledger, provider),
    registry: ParticipantRegistry__factory.connect(deployment.registry, provider),
    addresses: { ledger: getAddress(deployment.ledger), registry: getAddress(deployment.registry), forwarder: getAddress(deployment.forwarder) },
    deploymentBlock: deployment.blockNumber,
    rpc: (method, params) => transport.call(method, params),
  };
}

/** The token sent with every request: the node's admin token when the API has it (see ApiConfig.adminToken), else the read token. */
async function ledgerBearer(config: Pick<ApiConfig, "rpcToken" | "adminToken" | "adminTokenFile">): Promise<string | undefined> {
  if (config.adminToken !== undefined) return config.adminToken;
  try {
    return (await readFile(config.adminTokenFile, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return config.rpcToken;
    throw new Error(`cannot read the ledger node's admin token ${config.adminTokenFile}`, { cause: error });
  }
}
