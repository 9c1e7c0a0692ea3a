import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

import { expect } from "chai";
import { Wallet } from "ethers";
import { Level } from "level";
import { createPublicClient, createWalletClient, defineChain, http, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { prepareInvoice } from "../contracts/helpers/documents";
import { connect, issueSome, registerMerchant, rpc } from "./helpers/clients";
import { freshDataDir, startNodeProcess, type ExitedEarly, type NodeProcess } from "../../scripts/lib/node-process";
import { builtProgram } from "../../scripts/lib/built-program";

describe("ledger-node (the real process)", function () {
  this.timeout(180_000);
  const started: NodeProcess[] = [];
  const dirs: string[] = [];
  async function start(dataDir: string, env: Record<string, string> = {}) {
    const node = await startNodeProcess(dataDir, env);
    started.push(node);
    return node;
  }
  function dataDir() {
    const dir = freshDataDir();
    dirs.push(dir);
    return dir;
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => (n.child.exitCode === null ? n.kill() : undefined)));
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("bootstraps a chain, deploys the contracts, and serves standard JSON-RPC to ethers", async () => {
    const dir = dataDir();
    const node = await start(dir);
    const c = connect(node, dir);
    expect((await c.provider.getNetwork()).chainId).to.equal(BigInt(node.ready.chainId));
    expect(await c.provider.getCode(node.ready.contracts.ledger)).to.not.equal("0x");
    expect(await c.registry.isBureau(node.ready.authority)).to.equal(true);
    expect(await c.provider.send("web3_clientVersion", [])).to.match(/^EInvoiceLedgerNode\//);
    expect((await c.provider.getFeeData()).gasPrice).to.equal(0n);

    const { ledger, address } = await registerMerchant(c);
    const [receipt] = await issueSome(ledger, 1);
    expect(receipt!.status).to.equal(1);
    const block = await c.provider.getBlock(receipt!.blockNumber);
    expect(block!.hash).to.equal(receipt!.blockHash);
    expect((await c.provider.getBlock(block!.hash!))!.number).to.equal(receipt!.blockNumber);
    expect((await c.provider.getTransaction(receipt!.hash))!.from).to.equal(address);
    const logs = await c.provider.getLogs({ address: node.ready.contracts.ledger, fromBlock: 0, topics: [ledger.interface.getEvent("InvoiceIssued").topicHash] });
    expect(logs).to.have.length(5);
    expect(await ledger.nextNumber()).to.equal(6n);
    expect(await ledger.issue.estimateGas(prepareInvoice().request)).to.be.greaterThan(50_000n);
    expect(await c.provider.getTransactionCount(address)).to.equal(1);
    const history = await c.provider.send("eth_feeHistory", ["0x2", "latest", []]);
    expect(history).to.have.property("oldestBlock");
    expect((await rpc(node.url, "hardhat_mine")).error?.code).to.equal(-32601);
    expect((await rpc(node.url, "eth_sendTransaction", [{ from: address, to: address }])).error?.code).to.equal(-32601);
    expect((await rpc(node.url, "eth_accounts")).result).to.deep.equal([]);
  });

  it("refuses a logs query whose answer would be too large, with a clear error, as geth and Besu do", async () => {
    const dir = dataDir();
    const node = await start(dir, { LEDGER_MAX_LOGS: "3" });
    const { ledger } = await registerMerchant(connect(node, dir));
    await issueSome(ledger, 1);
    const everything = await rpc(node.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }]);
    expect(everything.error?.code).to.equal(-32005);
    expect(everything.error?.message).to.match(/more than 3 results; ask for a narrower block range/);
    expect((everything.error?.data as { code: string }).code).to.equal("TOO_MANY_LOGS");
    expect((await rpc(node.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x0" }])).result).to.deep.equal([]);
  });

  it("serves viem too, for reads and for a transaction it signs itself", async () => {
    const dir = dataDir();
    const node = await start(dir);
    const c = connect(node, dir);
    const chain = defineChain({ id: node.ready.chainId, name: "e-invoice ledger", nativeCurrency: { name: "none", symbol: "NONE", decimals: 18 }, rpcUrls: { default: { http: [node.url] } } });
    const client = createPublicClient({ chain, transport: http(node.url) });
    const wallet = createWalletClient({ chain, transport: http(node.url), account: privateKeyToAccount(c.bureauKey as `0x${string}`) });
    expect(await client.getChainId()).to.equal(node.ready.chainId);
    const employee = Wallet.createRandom().address as `0x${string}`;
    const abi = parseAbi(["function registerIndividual(address account)", "function isRegistered(address account) view returns (bool)"]);
    const hash = await wallet.writeContract({ address: node.ready.contracts.registry as `0x${string}`, abi, functionName: "registerIndividual", args: [employee] });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    expect(receipt.status).to.equal("success");
    expect(await client.readContract({ address: node.ready.contracts.registry as `0x${string}`, abi, functionName: "isRegistered", args: [employee] })).to.equal(true);
    const block = await client.getBlock({ blockNumber: receipt.blockNumber });
    expect(block.hash).to.equal(receipt.blockHash);
    const logs = await client.getLogs({ address: node.ready.contracts.registry as `0x${string}`, fromBlock: 0n });
    expect(logs.length).to.be.greaterThan(0);
  });

  it("admits transactions only from registered participants, and says so plainly", async () => {
    const dir = dataDir();
    const node = await start(dir);
    const c = connect(node, dir);
    const stranger = new Wallet(Wallet.createRandom().privateKey, c.provider);
    const raw = await stranger.signTransaction({ to: stranger.address, gasLimit: 21_000, gasPrice: 0, nonce: 0, chainId: node.ready.chainId });
    const refusal = (await rpc(node.url, "eth_sendRawTransaction", [raw])).error;
    expect(refusal?.code).to.equal(-32003);
    expect(refusal?.data?.code).to.equal("SENDER_NOT_REGISTERED");

    const { merchant, address } = await registerMerchant(c, stranger.privateKey);
    const own = await merchant.signTransaction({ to: address, gasLimit: 21_000, gasPrice: 0, nonce: 0, chainId: node.ready.chainId });
    expect(await c.provider.send("eth_sendRawTransaction", [own])).to.match(/^0x[0-9a-f]{64}$/);
    await (await c.registry.suspend(address)).wait();
    const later = await merchant.signTransaction({ to: address, gasLimit: 21_000, gasPrice: 0, nonce: 1, chainId: node.ready.chainId });
    expect((await rpc(node.url, "eth_sendRawTransaction", [later])).error?.data?.code).to.equal("SENDER_NOT_REGISTERED");
    const foreign = await merchant.signTransaction({ to: address, gasLimit: 21_000, gasPrice: 0, nonce: 1, chainId: 1 });
    expect((await rpc(node.url, "eth_sendRawTransaction", [foreign])).error?.data?.code).to.equal("INVALID_REQUEST");
    expect((await rpc(node.url, "eth_sendRawTransaction", ["0x1234"])).error?.data?.code).to.equal("INVALID_REQUEST");
  });

  it("restarts with the same head, block hashes, state and receipts", async () => {
    const dir = dataDir();
    const first = await start(dir);
    const c1 = connect(first, dir);
    const { ledger } = await registerMerchant(c1);
    const receipts = await issueSome(ledger, 4);
    const headBefore = await c1.provider.getBlock("latest");
    const hashes = await Promise.all(Array.from({ length: headBefore!.number + 1 }, (_, n) => c1.provider.getBlock(n).then((b) => b!.hash)));
    const nextBefore = await ledger.nextNumber();
    c1.provider.destroy();
    expect(await first.stop()).to.equal(0);

    const second = await start(dir);
    expect(second.ready.contracts.ledger).to.equal(first.ready.contracts.ledger);
    const c2 = connect(second, dir);
    const headAfter = await c2.provider.getBlock("latest");
    expect([headAfter!.number, headAfter!.hash, headAfter!.stateRoot]).to.deep.equal([headBefore!.number, headBefore!.hash, headBefore!.stateRoot]);
    for (const [n, hash] of hashes.entries()) expect((await c2.provider.getBlock(n))!.hash).to.equal(hash);
    for (const r of receipts) {
      const again = await c2.provider.getTransactionReceipt(r!.hash);
      expect([again!.blockHash, again!.status, again!.logs.length]).to.deep.equal([r!.blockHash, r!.status, r!.logs.length]);
    }
    expect(await c2.ledger.nextNumber()).to.equal(nextBefore);
    c2.provider.destroy();
  });

  describe("a tampered store", () => {
    async function tamperedStart(tamper: (db: Level<string, Record<string, unknown>>) => Promise<void>): Promise<ExitedEarly> {
      const dir = dataDir();
      const node = await start(dir);
      const c = connect(node, dir);
      const { ledger } = await registerMerchant(c);
      await issueSome(ledger, 2);
      c.provider.destroy();
      await node.stop();
      const db = new Level<string, Record<string, unknown>>(`${dir}/chain`, { valueEncoding: "json" });
      await tamper(db);
      await db.close();
      return start(dir).then(
        () => expect.fail("the node served a tampered store"),
        (error: ExitedEarly) => error,
      );
    }
    const refusedAsCorrupted = (outcome: ExitedEarly) => {
      expect(outcome.exitCode).to.equal(3);
      expect(outcome.logs.some((l) => l.code === "STORE_CORRUPTED")).to.equal(true);
    };

    it("is refused when a journaled transaction was edited", async () => {
      refusedAsCorrupted(await tamperedStart(async (db) => {
        const key = "blk:000000000007";
        const block = (await db.get(key)) as { transactions: string[] };
        const raw = block.transactions[0]!;
        block.transactions[0] = raw.slice(0, 100) + (raw[100] === "0" ? "1" : "0") + raw.slice(101);
        await db.put(key, block);
      }));
    });

    it("is refused when its last block was cut off", async () => {
      refusedAsCorrupted(await tamperedStart(async (db) => {
        const head = (await db.get("head")) as { number: number };
        await db.del(`blk:${String(head.number).padStart(12, "0")}`);
      }));
    });

    it("is refused when a block in the middle is missing or re-sealed by someone else", async () => {
      refusedAsCorrupted(await tamperedStart(async (db) => db.del("blk:000000000005")));
      refusedAsCorrupted(await tamperedStart(async (db) => {
        const block = (await db.get("blk:000000000004")) as { seal: string };
        block.seal = Wallet.createRandom().signingKey.sign(`0x${"11".repeat(32)}`).serialized;
        await db.put("blk:000000000004", block);
      }));
    });
  });

  it("takes a consistent backup while running, which restores to the same chain", async () => {
    const dir = dataDir();
    const node = await start(dir);
    const c = connect(node, dir);
    const { ledger } = await registerMerchant(c);
    await issueSome(ledger, 2);
    const head = await c.provider.getBlock("latest");
    const adminToken = readFileSync(`${dir}/admin.token`, "utf8").trim();
    const response = await fetch(`${node.url}/admin/backup`, { method: "POST", headers: { authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ name: "first" }) });
    expect(response.status).to.equal(200);
    const backupDir = `${dir}/backups/first`;
    await issueSome(ledger, 1); // after the backup: not in it
    c.provider.destroy();
    await node.stop();

    const restored = dataDir();
    execFileSync(process.execPath, [builtProgram("ledger-node/backup-cli"), "restore", "--from", backupDir, "--data-dir", restored], { stdio: "ignore" });
    const again = await start(restored, { LEDGER_AUTHORITY_KEY: c.bureauKey });
    const c2 = connect(again, dir);
    const restoredHead = await c2.provider.getBlock("latest");
    expect([restoredHead!.number, restoredHead!.hash]).to.deep.equal([head!.number, head!.hash]);
    c2.provider.destroy();
  });
});
