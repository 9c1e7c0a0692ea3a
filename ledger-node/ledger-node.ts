import { writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";

import { FetchRequest, JsonRpcProvider, computeAddress } from "ethers";
import type { Logger } from "pino";

import { deployLedger } from "../scripts/deploy/deploy-ledger";
import { authorityWallet, loadAuthorityKey } from "./authority-key";
import { Admission } from "./chain/admission";
import { BlockSealer } from "./chain/block-sealer";
import { replayChain } from "./chain/chain-replay";
import { createEvmEngine, type EngineBlock } from "./chain/evm-engine";
import { ReadWriteLock } from "./chain/read-write-lock";
import { chainDir, type LedgerNodeConfig } from "./config";
import { StoreCorruptedError } from "./errors";
import { createNodeMetrics } from "./node-metrics";
import { createHttpServer } from "./rpc/http-server";
import { ChainStore, type ChainMeta, type Deployment } from "./store/chain-store";

export interface LedgerNode {
  readonly url: string;
  readonly chainId: number;
  readonly authority: string;
  readonly deployment: Deployment;
  /** Seals what is waiting and stops serving; resolves when everything acknowledged is on disk. */
  stop(): Promise<void>;
}

export interface NodeCommon {
  config: LedgerNodeConfig;
  logger: Logger;
  /** The process owner's answer to a failure the node cannot survive (a block that could not be journaled). */
  onFatal(error: unknown): void;
}

/**
 * Starts the ledger node: opens (or creates) the chain store, rebuilds and verifies the chain, serves
 * JSON-RPC, and on the first start deploys the contracts through its own JSON-RPC, like any client would.
 */
export async function startLedgerNode({ config, logger, onFatal }: NodeCommon): Promise<LedgerNode> {
  const store = await ChainStore.open(chainDir(config));
  try {
    return await start();
  } catch (error) {
    await store.close();
    throw error;
  }

  async function start(): Promise<LedgerNode> {
    let meta = await store.meta();
    const authority = await loadAuthorityKey(config.dataDir, config.authorityKey, meta === undefined);
    const authorityAddress = computeAddress(authority.publicKey);
    // An existing chain keeps the parameters it was created with, whatever the configuration says now.
    const chain = meta ?? { chainId: config.chainId, genesisTime: config.genesisTime, blockGasLimit: config.blockGasLimit };
    const engine = await createEvmEngine(chain);
    if (meta === undefined) {
      const genesis = await engine.request<EngineBlock>("eth_getBlockByNumber", ["0x0", false]);
      meta = { format: 1, ...chain, authority: authorityAddress, genesisHash: genesis.hash };
      await store.initialise(meta);
      logger.info({ chainId: meta.chainId, authority: authorityAddress, genesis: genesis.hash }, "created a new chain");
    } else if (meta.authority !== authorityAddress) {
      throw new StoreCorruptedError(`the authority key is for ${authorityAddress}, but this chain is sealed by ${meta.authority}`);
    }
    const chainMeta: ChainMeta = meta;

    const metrics = createNodeMetrics(() => store.sizeBytes());
    const head = await replayChain(engine, store, chainMeta, logger, (n) => metrics.head.set(n));
    metrics.head.set(head.number);
    const lock = new ReadWriteLock();
    const admission = new Admission(engine, chainMeta.chainId, authorityAddress);
    const sealer = new BlockSealer(engine, store, lock, admission, authority, chainMeta.chainId, config.blockWindowMs, head, logger, metrics.sealer, onFatal);
    let deployment = await store.deployment();
    if (deployment !== undefined) admission.useRegistry(deployment.registry);

    const server = createHttpServer({
      rpc: { engine, lock, admission, sealer, maxLogsPerAnswer: config.maxLogsPerAnswer, onRefused: (reason) => metrics.refused.inc({ reason }) },
      token: config.rpcToken,
      logger,
      metrics: metrics.registry,
      health: () => ({
        status: "ok",
        chainId: chainMeta.chainId,
        head: { number: sealer.headBlock.number, hash: sealer.headBlock.hash, timestamp: sealer.headBlock.timestamp },
        pending: sealer.pendingCount,
        ...(deployment === undefined ? {} : { contracts: { forwarder: deployment.forwarder, registry: deployment.registry, ledger: deployment.ledger } }),
      }),
      backup: (target) => store.backupTo(resolve(target)),
    });
    await listen(server, config.host, config.port);
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, head: head.number }, "ledger node serving JSON-RPC");

    /** Stops serving and seals what is waiting; the store is closed by whoever owns it. */
    const stopServing = async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await sealer.stop();
    };

    try {
      if (deployment === undefined) {
        const request = new FetchRequest(url);
        if (config.rpcToken !== undefined) request.setHeader("authorization", `Bearer ${config.rpcToken}`);
        const provider = new JsonRpcProvider(request, chainMeta.chainId, { staticNetwork: true });
        try {
          deployment = await deployLedger(authorityWallet(authority).connect(provider), { adminDelay: config.adminDelay });
        } finally {
          provider.destroy();
        }
        await store.recordDeployment(deployment);
        admission.useRegistry(deployment.registry);
        logger.info(deployment, "contracts deployed");
      }
      await writeFile(join(config.dataDir, "deployment.json"), `${JSON.stringify(deployment, null, 2)}\n`);
    } catch (error) {
      await stopServing();
      throw error;
    }
    const stop = async () => {
      await stopServing();
      await store.close();
      logger.info({ head: sealer.headBlock.number }, "ledger node stopped");
    };
    return { url, chainId: chainMeta.chainId, authority: authorityAddress, deployment, stop };
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      done();
    });
  });
}
