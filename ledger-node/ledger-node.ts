import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";

import { FetchRequest, JsonRpcProvider, computeAddress, type SigningKey } from "ethers";
import type { Logger } from "pino";

import { deployLedger } from "../lib/deploy-ledger";
import { loadAdminToken } from "./admin-token";
import { authorityWallet, loadAuthorityKey } from "./authority-key";
import { Admission } from "./chain/admission";
import { BlockSealer } from "./chain/block-sealer";
import { genesisOf, replayChain } from "./chain/chain-replay";
import { giveBackFreedLater } from "./chain/engine-allocator";
import { EnginePriority, urgentEngine } from "./chain/engine-priority";
import { EngineRenewal } from "./chain/engine-renewal";
import { createEvmEngine, type EngineBlock, type EvmEngine } from "./chain/evm-engine";
import { ReadWriteLock } from "./chain/read-write-lock";
import { RenewableEngine } from "./chain/renewable-engine";
import { chainDir, type LedgerNodeConfig } from "./config";
import { ContractWatch } from "./contract-watch";
import { BackupExistsError, ConfigurationError, PrimaryAliveError, StoreCorruptedError, WrongRoleError } from "./errors";
import { createNodeMetrics } from "./node-metrics";
import { Follower } from "./replication/follower";
import { writeInitialSnapshot } from "./snapshot/initial-snapshot";
import { restoreFromSnapshot } from "./snapshot/restore-snapshot";
import { SnapshotWriter } from "./snapshot/snapshot-writer";
import { verifyHeaderChain } from "./snapshot/verify-header-chain";
import { primaryRequest } from "./replication/primary-client";
import { ReplicationSource } from "./replication/replication-source";
import { ChainReads } from "./rpc/chain-reads";
import { FilterTable } from "./rpc/filter-table";
import { createHttpServer } from "./rpc/http-server";
import { SimulationGate } from "./rpc/simulation-gate";
import { ChainStore, type ChainMeta, type Deployment, type ServedBlock, type StoredBlock } from "./store/chain-store";
import { HeadRecord, type AcknowledgedHead } from "./store/head-record";

export interface LedgerNode {
  readonly url: string;
  readonly chainId: number;
  readonly authority: string;
  readonly deployment: Deployment;
  /** "primary" seals blocks; "standby" follows a primary and serves reads until it is promoted. */
  role(): "primary" | "standby";
  /** Seals what is waiting (or stops following) and stops serving; resolves when everything acknowledged is on disk. */
  stop(): Promise<void>;
}

export interface NodeCommon {
  config: LedgerNodeConfig;
  logger: Logger;
  /** The process owner's answer to a failure the node cannot survive (a block that could not be journaled). */
  onFatal(error: unknown): void;
}

/** What the primary's `GET /admin/replication/chain` answers: what a new standby needs to start its own store. */
interface ChainDescription {
  meta: ChainMeta;
  deployment: Deployment | undefined;
}

/**
 * Starts the ledger node: opens (or creates) the chain store, rebuilds and verifies the chain, serves
 * JSON-RPC, and then either seals blocks (the primary; at the first start it deploys the contracts through its
 * own JSON-RPC, like any client would) or, with `config.follow`, follows a primary as its standby until promoted.
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
    const headRecord = HeadRecord.at(config.dataDir);
    let meta = await store.meta();
    let deployment = await store.deployment();
    if (config.follow !== undefined && (meta === undefined || deployment === undefined)) {
      // A new standby: the chain is the primary's, whatever this node's configuration says.
      const description = await primaryRequest<ChainDescription>(config.follow, config.primaryAdminToken!, "/admin/replication/chain", undefined);
      if (description.deployment === undefined) throw new ConfigurationError("the primary has not deployed the ledger's contracts yet: start the standby once the primary is ready");
      if (meta !== undefined && meta.genesisHash !== description.meta.genesisHash) {
        throw new StoreCorruptedError(`this standby's store belongs to another chain (genesis ${meta.genesisHash}) than the primary's (${description.meta.genesisHash})`, { expected: description.meta.genesisHash, actual: meta.genesisHash });
      }
      if (meta === undefined) {
        if (headRecord.exists() && (await headRecord.read()).number > 0) throw storeMissing(await headRecord.read(), headRecord);
        await headRecord.write({ number: 0, hash: description.meta.genesisHash });
        meta = { ...description.meta, headRecord: true };
        await store.initialise(meta);
        logger.info({ primary: config.follow, chainId: meta.chainId, genesis: meta.genesisHash }, "created a standby of the primary's chain");
      }
      await store.recordDeployment(description.deployment);
      deployment = description.deployment;
    }
    // A standby must be able to seal once promoted: it needs the authority key now, never a new one.
    const authority = await loadAuthorityKey(config.dataDir, config.authorityKey, meta === undefined && config.follow === undefined);
    const authorityAddress = computeAddress(authority.publicKey);
    // An existing chain keeps the parameters it was created with, whatever the configuration says now.
    const chain = meta ?? { chainId: config.chainId, genesisTime: config.genesisTime, blockGasLimit: config.blockGasLimit };
    let acknowledged: AcknowledgedHead | undefined;
    // The node's memory before it has an engine: what a renewal subtracts to tell what the engine of the moment takes.
    const residentWithoutEngine = process.memoryUsage.rss();
    // A new chain's engine, made here for its genesis hash and then replayed from (no snapshot exists yet).
    let genesisEngine: EvmEngine | undefined;
    if (meta === undefined) {
      const engine = (genesisEngine = await createEvmEngine(chain));
      // A record of a later head with no chain store beside it: the store was lost, not never made.
      if (headRecord.exists() && (await headRecord.read()).number > 0) throw storeMissing(await headRecord.read(), headRecord);
      const genesis = await engine.request<EngineBlock>("eth_getBlockByNumber", ["0x0", false]);
      await headRecord.write({ number: 0, hash: genesis.hash });
      meta = { format: 1, ...chain, authority: authorityAddress, genesisHash: genesis.hash, headRecord: true };
      await store.initialise(meta);
      logger.info({ chainId: meta.chainId, authority: authorityAddress, genesis: genesis.hash }, "created a new chain");
    } else if (meta.authority !== authorityAddress) {
      if (config.follow !== undefined) throw new ConfigurationError(`a standby needs the authority key of the chain it follows (${meta.authority}); this one is for ${authorityAddress}: set LEDGER_AUTHORITY_KEY or copy the primary's authority.key`);
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
    // From the newest state snapshot when one verifies (only the blocks after it are re-executed), else from genesis.
    const restoredOrNot = await restoreFromSnapshot(store, chainMeta, logger);
    const restored = typeof restoredOrNot === "string" ? undefined : restoredOrNot;
    if (restored !== undefined) await verifyHeaderChain(store, restored.head.number);
    // The engine everyone holds: the one of the moment, which a renewal exchanges for one rebuilt from the snapshot.
    const engine = new RenewableEngine(restored?.engine ?? genesisEngine ?? (await createEvmEngine(chainMeta)));
    // No snapshot yet, or one that did not verify: the next is built again from genesis, as the replay goes.
    if (restoredOrNot === "refused" || (await store.snapshotMark()) === undefined) await writeInitialSnapshot(store, await genesisOf(engine, chainMeta));
    // Every block applied to the engine from now on (replayed, sealed, followed) is handed to the snapshot writer,
    // which traces it in the background; a block being mined goes first.
    const priority = new EnginePriority();
    const snapshots = await SnapshotWriter.open(engine, store, { everyBlocks: config.snapshotEveryBlocks, everyMs: config.snapshotEveryMs }, logger, priority);
    const blockApplied = (header: ServedBlock) => snapshots.blockApplied(header);
    // The replay goes before the tracing of what it applied: the node serves once the replay is over.
    const replayed = await replayChain(urgentEngine(engine, priority), store, chainMeta, logger, (n) => metrics.head.set(n), restored?.head, blockApplied);
    metrics.head.set(replayed.number);
    if (acknowledged !== undefined) {
      const block = await store.header(acknowledged.number);
      if (block === undefined || replayed.number < acknowledged.number) throw journalBehind(replayed.number, acknowledged, headRecord.file);
      if (block.hash !== acknowledged.hash) {
        throw new StoreCorruptedError(`block ${acknowledged.number} of the journal is not the block that was acknowledged: the journal has ${block.hash}, ${headRecord.file} records ${acknowledged.hash}`, { block: acknowledged.number });
      }
    }
    if (acknowledged === undefined || acknowledged.number < replayed.number) await headRecord.write({ number: replayed.number, hash: replayed.hash });
    if (!chainMeta.headRecord) {
      chainMeta.headRecord = true;
      await store.initialise(chainMeta);
      logger.info({ file: headRecord.file, head: replayed.number }, "the chain now keeps a record of its acknowledged head");
    }
    const adminToken = await loadAdminToken(config.dataDir, config.adminToken);
    const lock = new ReadWriteLock();

    // The node's role: a primary has a sealer; a standby a follower, until it is promoted.
    let writer: { admission: Admission; sealer: BlockSealer; replication: ReplicationSource } | undefined;
    let follower: Follower | undefined;
    const headBlock = (): StoredBlock => writer?.sealer.headBlock ?? follower?.headBlock ?? replayed;
    const becomePrimary = (head: StoredBlock) => {
      const admission = new Admission(engine, chainMeta.chainId, authorityAddress, {
        maxBytes: config.maxTransactionBytes,
        maxGas: Math.min(config.transactionGasCap, chainMeta.blockGasLimit),
        maxNonceGap: config.maxNonceGap,
      });
      if (deployment !== undefined) admission.useRegistry(deployment.registry);
      // A standby starts from the primary's deployment: the deploying blocks of a new chain cannot wait for one.
      const replication = new ReplicationSource(store, head.number, config.syncStandby && deployment !== undefined, logger);
      const sealer = new BlockSealer(engine, store, lock, admission, authority, chainMeta.chainId, config.blockWindowMs, head, logger, metrics.sealer, onFatal, { max: config.maxPoolTransactions, maxPerSender: config.maxPoolTransactionsPerSender, perBlock: config.maxBlockTransactions, roomGas: BigInt(config.blockRoomGas), blocksPerSeal: config.maxSealBlocks }, headRecord, replication, blockApplied, priority);
      writer = { admission, sealer, replication };
    };
    if (config.follow === undefined) becomePrimary(replayed);
    else {
      follower = new Follower(
        {
          primaryUrl: config.follow, primaryToken: config.primaryAdminToken!, standbyId: `${hostname()}:${config.dataDir}`,
          engine: urgentEngine(engine, priority), store, meta: chainMeta, headRecord, lock, logger,
          onApplied: (block) => metrics.head.set(block.number),
          afterBlock: blockApplied,
          onDiverged: (error) => logger.error({ err: error }, "the primary's chain does not verify here: this standby stopped following it (it still serves what it has)"),
        },
        replayed,
      );
    }

    const renewer = new EngineRenewal(
      engine, store, chainMeta, lock, logger,
      { minChanges: config.engineRenewChanges, idleMs: config.engineRenewIdleMs },
      { fromBlock: restored?.head.number ?? 0, slots: restored?.loaded.slots ?? 0, residentWithoutEngine },
      {
        head: headBlock,
        snapshot: () => ({ block: snapshots.snapshotBlock, untraced: snapshots.untracedBlocks }),
        pooled: () => writer?.sealer.pooledTransactions() ?? [],
      },
    );
    snapshots.onWritten = (written) => renewer.snapshotWritten(written.slots);

    const visibleHead = () => headBlock().number;
    const reads = new ChainReads(store, visibleHead);
    const logLimits = { maxLogsPerAnswer: config.maxLogsPerAnswer, maxLogBlockRange: config.maxLogBlockRange };
    const filters = new FilterTable(store, reads, visibleHead, logLimits, config.maxFilters, config.filterIdleMs);
    // Set once the deployment is known: compares the chain's contracts with this build's (reported, never refused).
    let contractWatch: ContractWatch | undefined;
    const simulations = new SimulationGate(Math.min(config.rpcGasCap, chainMeta.blockGasLimit), Math.min(config.trustedRpcGasCap, chainMeta.blockGasLimit), config.rpcEvmTimeoutMs);

    const server = createHttpServer({
      rpc: {
        engine, lock, simulations, filters, store, reads, logLimits, priority,
        head: visibleHead,
        // The engine holds no state before the block it started from.
        stateFloor: () => renewer.stateFloor,
        writer: () => writer,
        primaryUrl: config.follow,
        onRefused: (reason) => metrics.refused.inc({ reason }),
      },
      token: config.rpcToken,
      adminToken,
      logger,
      metrics: metrics.registry,
      health: async () => {
        const head = headBlock();
        const contracts = contractWatch === undefined
          ? deployment === undefined ? undefined : { forwarder: deployment.forwarder, registry: deployment.registry, ledger: deployment.ledger }
          : await contractWatch.at(head.number);
        return {
          status: "ok",
          role: writer === undefined ? "standby" : "primary",
          chainId: chainMeta.chainId,
          head: { number: head.number, hash: head.hash, timestamp: head.timestamp },
          pending: writer?.sealer.pendingCount ?? 0,
          ...(contracts === undefined ? {} : { contracts }),
          ...(writer === undefined ? {} : { standbys: writer.replication.status(), syncStandby: writer.replication.sync }),
          ...(follower === undefined ? {} : { replication: follower.status() }),
          snapshot: { block: snapshots.snapshotBlock ?? null, untracedBlocks: snapshots.untracedBlocks, lastWrite: snapshots.lastWrite ?? null, startedFrom: restored?.head.number ?? 0, loaded: restored?.loaded ?? null },
          engine: renewer.status(),
        };
      },
      backup: async (name) => {
        const target = join(config.dataDir, "backups", name);
        if (existsSync(target)) throw new BackupExistsError(`a backup named ${name} already exists`, { name });
        await mkdir(join(config.dataDir, "backups"), { recursive: true, mode: 0o700 });
        return { backup: target, ...(await store.backupTo(target)) };
      },
      replication: {
        chain: async () => {
          if (writer === undefined) throw new WrongRoleError("this node is a standby: standbys follow the primary", { role: "standby" });
          return { meta: chainMeta, deployment };
        },
        pull: async (standby, after, waitMs) => {
          if (writer === undefined) throw new WrongRoleError("this node is a standby: standbys follow the primary", { role: "standby" });
          return writer.replication.pull(standby, after, waitMs);
        },
      },
      promote: (force) => promote(force),
      renewEngine: () => renewer.renewNow(),
    });
    await listen(server, config.host, config.port);
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, head: replayed.number, role: writer === undefined ? "standby" : "primary" }, "ledger node serving JSON-RPC");
    // Building a state from the snapshot frees more than the state then keeps (EDR builds its trie twice); the allocator
    // keeps those pages until a whole page is freed after its purge delay, which a node under light requests may
    // never do (engine-allocator.ts).
    if (restored !== undefined) giveBackFreedLater(engine);

    /** Takes over from a primary that is gone: stops following and starts sealing from this node's head. */
    async function promote(force: boolean): Promise<{ head: number; ms: number }> {
      const started = performance.now();
      if (follower === undefined) throw new WrongRoleError("this node is already the primary", { role: "primary" });
      if (!force && (await answers(config.follow!))) {
        throw new PrimaryAliveError(`the primary at ${config.follow} still answers: stop it first (two nodes sealing one chain would fork it), or promote with force if it cannot seal any more`, { primary: config.follow });
      }
      const following = follower;
      await following.stop();
      follower = undefined;
      becomePrimary(following.headBlock);
      const ms = Math.round(performance.now() - started);
      logger.info({ head: following.headBlock.number, ms, formerPrimary: config.follow }, "promoted: this node is the primary now and seals blocks");
      return { head: following.headBlock.number, ms };
    }

    /** Stops serving and seals what is waiting (or stops following); the store is closed by whoever owns it. */
    const stopServing = async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      contractWatch?.stop();
      await renewer.stop();
      writer?.replication.stop();
      await writer?.sealer.stop();
      await follower?.stop();
      await snapshots.stop();
      filters.stop();
    };

    try {
      if (deployment === undefined && writer !== undefined) {
        deployment = await deploy(url, adminToken, chainMeta, authority);
        writer.replication.sync = config.syncStandby;
      }
      if (deployment !== undefined) {
        await writeFile(join(config.dataDir, "deployment.json"), `${JSON.stringify(deployment, null, 2)}\n`);
        contractWatch = new ContractWatch(deployment, url, adminToken, chainMeta.chainId, logger);
        await contractWatch.start(headBlock().number);
      }
    } catch (error) {
      await stopServing();
      throw error;
    }
    const deployed = deployment!;
    const stop = async () => {
      await stopServing();
      await store.close();
      logger.info({ head: headBlock().number }, "ledger node stopped");
    };
    return { url, chainId: chainMeta.chainId, authority: authorityAddress, deployment: deployed, role: () => (writer === undefined ? "standby" : "primary"), stop };

    async function deploy(nodeUrl: string, token: string, chainMeta: ChainMeta, key: SigningKey): Promise<Deployment> {
      const request = new FetchRequest(nodeUrl);
      // The deployment's estimates need the trusted gas cap.
      request.setHeader("authorization", `Bearer ${token}`);
      const provider = new JsonRpcProvider(request, chainMeta.chainId, { staticNetwork: true });
      let deployed: Deployment;
      try {
        deployed = await deployLedger(authorityWallet(key).connect(provider), { adminDelay: config.adminDelay, upgradeDelay: config.upgradeDelay });
      } finally {
        provider.destroy();
      }
      await store.recordDeployment(deployed);
      writer?.admission.useRegistry(deployed.registry);
      logger.info(deployed, "contracts deployed");
      return deployed;
    }
  }
}

/** Whether a node answers at `url` (its /health, within a second). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(new URL("/health", url), { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
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

function storeMissing(recorded: AcknowledgedHead, headRecord: HeadRecord): StoreCorruptedError {
  return new StoreCorruptedError(`the chain store is missing, but block ${recorded.number} was acknowledged (${headRecord.file}); restore the store from a backup`, { acknowledged: recorded.number });
}

function journalBehind(journalHead: number, acknowledged: AcknowledgedHead, file: string): StoreCorruptedError {
  return new StoreCorruptedError(
    `the chain store ends at block ${journalHead}, but block ${acknowledged.number} was acknowledged to clients (${file}): the newest blocks were lost or damaged; restore the store from a backup`,
    { journalHead, acknowledged: acknowledged.number },
  );
}
