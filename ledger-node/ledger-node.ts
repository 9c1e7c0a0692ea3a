import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

import { FetchRequest, JsonRpcProvider, computeAddress } from "ethers";
import type { Logger } from "pino";

import { deployLedger } from "../scripts/deploy/deploy-ledger";
import { loadAdminToken } from "./admin-token";
import { authorityWallet, loadAuthorityKey } from "./authority-key";
import { Admission } from "./chain/admission";
import { BlockSealer } from "./chain/block-sealer";
import { replayChain } from "./chain/chain-replay";
import { createEvmEngine, type EngineBlock } from "./chain/evm-engine";
import { ReadWriteLock } from "./chain/read-write-lock";
import { chainDir, type LedgerNodeConfig } from "./config";
import { BackupExistsError, StoreCorruptedError } from "./errors";
import { createNodeMetrics } from "./node-metrics";
import { ChainReads } from "./rpc/chain-reads";
import { FilterTable } from "./rpc/filter-table";
import { createHttpServer } from "./rpc/http-server";
import { SimulationGate } from "./rpc/simulation-gate";
import { ChainStore, type ChainMeta, type Deployment } from "./store/chain-store";
import { HeadRecord, type AcknowledgedHead } from "./store/head-record";

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
    const headRecord = HeadRecord.at(config.dataDir);
    let acknowledged: AcknowledgedHead | undefined;
    if (meta === undefined) {
      // A record of a later head with no chain store beside it: the store was lost, not never made.
      if (headRecord.exists() && (await headRecord.read()).number > 0) {
        const recorded = await headRecord.read();
        throw new StoreCorruptedError(`the chain store is missing, but block ${recorded.number} was acknowledged (${headRecord.file}); restore the store from a backup`, { acknowledged: recorded.number });
      }
      const genesis = await engine.request<EngineBlock>("eth_getBlockByNumber", ["0x0", false]);
      await headRecord.write({ number: 0, hash: genesis.hash });
      meta = { format: 1, ...chain, authority: authorityAddress, genesisHash: genesis.hash, headRecord: true };
      await store.initialise(meta);
      logger.info({ chainId: meta.chainId, authority: authorityAddress, genesis: genesis.hash }, "created a new chain");
    } else if (meta.authority !== authorityAddress) {
      throw new StoreCorruptedError(`the authority key is for ${authorityAddress}, but this chain is sealed by ${meta.authority}`);
    } else if (meta.headRecord) {
      if (!headRecord.exists()) {
        throw new StoreCorruptedError(`the record of the acknowledged head (${headRecord.file}) is missing, so a shortened journal could not be noticed; restore it from a backup`, { file: headRecord.file });
      }
      acknowledged = await headRecord.read();
      // Checked before the replay (which can take minutes): the journal's own head pointer.
      const journalHead = (await store.head())?.number ?? 0;
      if (journalHead < acknowledged.number) throw journalBehind(journalHead, acknowledged, headRecord.file);
    }
    const chainMeta: ChainMeta = meta;

    const metrics = createNodeMetrics(() => store.sizeBytes());
    const head = await replayChain(engine, store, chainMeta, logger, (n) => metrics.head.set(n));
    metrics.head.set(head.number);
    if (acknowledged !== undefined) {
      const block = await engine.request<EngineBlock | null>("eth_getBlockByNumber", [`0x${acknowledged.number.toString(16)}`, false]);
      if (block === null || head.number < acknowledged.number) throw journalBehind(head.number, acknowledged, headRecord.file);
      if (block.hash !== acknowledged.hash) {
        throw new StoreCorruptedError(`block ${acknowledged.number} of the journal is not the block that was acknowledged: the journal has ${block.hash}, ${headRecord.file} records ${acknowledged.hash}`, { block: acknowledged.number });
      }
    }
    if (acknowledged === undefined || acknowledged.number < head.number) await headRecord.write({ number: head.number, hash: head.hash });
    if (!chainMeta.headRecord) {
      chainMeta.headRecord = true;
      await store.initialise(chainMeta);
      logger.info({ file: headRecord.file, head: head.number }, "the chain now keeps a record of its acknowledged head");
    }
    const adminToken = await loadAdminToken(config.dataDir, config.adminToken);
    const lock = new ReadWriteLock();
    const admission = new Admission(engine, chainMeta.chainId, authorityAddress, {
      maxBytes: config.maxTransactionBytes,
      maxGas: Math.min(config.transactionGasCap, chainMeta.blockGasLimit),
      maxNonceGap: config.maxNonceGap,
    });
    const sealer = new BlockSealer(engine, store, lock, admission, authority, chainMeta.chainId, config.blockWindowMs, head, logger, metrics.sealer, onFatal, { max: config.maxPoolTransactions, maxPerSender: config.maxPoolTransactionsPerSender }, headRecord);
    let deployment = await store.deployment();
    if (deployment !== undefined) admission.useRegistry(deployment.registry);
    const visibleHead = () => sealer.headBlock.number;
    const reads = new ChainReads(store, visibleHead);
    const logLimits = { maxLogsPerAnswer: config.maxLogsPerAnswer, maxLogBlockRange: config.maxLogBlockRange };
    const filters = new FilterTable(store, reads, visibleHead, logLimits, config.maxFilters, config.filterIdleMs);
    const simulations = new SimulationGate(Math.min(config.rpcGasCap, chainMeta.blockGasLimit), Math.min(config.trustedRpcGasCap, chainMeta.blockGasLimit), config.rpcEvmTimeoutMs);

    const server = createHttpServer({
      rpc: {
        engine, lock, admission, sealer, simulations, filters, store, reads, logLimits,
        onRefused: (reason) => metrics.refused.inc({ reason }),
      },
      token: config.rpcToken,
      adminToken,
      logger,
      metrics: metrics.registry,
      health: () => ({
        status: "ok",
        chainId: chainMeta.chainId,
        head: { number: sealer.headBlock.number, hash: sealer.headBlock.hash, timestamp: sealer.headBlock.timestamp },
        pending: sealer.pendingCount,
        ...(deployment === undefined ? {} : { contracts: { forwarder: deployment.forwarder, registry: deployment.registry, ledger: deployment.ledger } }),
      }),
      backup: async (name) => {
        const target = join(config.dataDir, "backups", name);
        if (existsSync(target)) throw new BackupExistsError(`a backup named ${name} already exists`, { name });
        await mkdir(join(config.dataDir, "backups"), { recursive: true, mode: 0o700 });
        return { backup: target, ...(await store.backupTo(target)) };
      },
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
      filters.stop();
    };

    try {
      if (deployment === undefined) {
        const request = new FetchRequest(url);
        // The deployment's estimates need the trusted gas cap.
        request.setHeader("authorization", `Bearer ${adminToken}`);
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

function journalBehind(journalHead: number, acknowledged: AcknowledgedHead, file: string): StoreCorruptedError {
  return new StoreCorruptedError(
    `the chain store ends at block ${journalHead}, but block ${acknowledged.number} was acknowledged to clients (${file}): the newest blocks were lost or damaged; restore the store from a backup`,
    { journalHead, acknowledged: acknowledged.number },
  );
}
