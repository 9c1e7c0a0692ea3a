import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { NonceManager, Wallet } from "ethers";

import { lines, waitUntil } from "./helpers/acknowledged";
import { connect, issueSome, registerMerchant, rpc } from "./helpers/clients";
import { freshDataDir, startNodeProcess, type NodeProcess } from "../../scripts/lib/node-process";
import { builtProgram } from "../../scripts/lib/built-program";

interface Health {
  role: string;
  head: { number: number; hash: string };
  standbys?: { id: string; confirmed: number }[];
  replication?: { connected: boolean; lagBlocks: number };
}

describe("ledger-node standby: follows the primary, serves reads, takes over", function () {
  this.timeout(240_000);
  const started: NodeProcess[] = [];
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = freshDataDir();
    dirs.push(dir);
    return dir;
  };
  const start = async (dir: string, env: Record<string, string> = {}, windowMs = 2) => {
    const node = await startNodeProcess(dir, env, windowMs);
    started.push(node);
    return node;
  };
  /** The environment of a standby of the primary whose data dir is `primaryDir`. */
  const standbyOf = (primary: NodeProcess, primaryDir: string) => ({
    LEDGER_FOLLOW: primary.url,
    LEDGER_PRIMARY_ADMIN_TOKEN: readFileSync(join(primaryDir, "admin.token"), "utf8").trim(),
    LEDGER_AUTHORITY_KEY: readFileSync(join(primaryDir, "authority.key"), "utf8").trim(),
  });
  const health = async (node: NodeProcess) => (await (await fetch(`${node.url}/health`)).json()) as Health;
  const promote = async (node: NodeProcess, dir: string, force = false) => {
    const response = await fetch(`${node.url}/admin/promote`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${readFileSync(join(dir, "admin.token"), "utf8").trim()}` },
      body: JSON.stringify({ force }),
    });
    return { status: response.status, body: (await response.json()) as { code?: string; head?: number; ms?: number } };
  };
  async function caughtUp(standby: NodeProcess, primary: NodeProcess): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [mine, theirs] = await Promise.all([rpc(standby.url, "eth_blockNumber"), rpc(primary.url, "eth_blockNumber")]);
      if (mine.result === theirs.result) return;
      if (Date.now() > deadline) throw new Error(`the standby is at ${String(mine.result)}, the primary at ${String(theirs.result)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => (n.child.exitCode === null && n.child.signalCode === null ? n.kill() : undefined)));
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("follows the primary block for block, serves the same reads, refuses transactions, and is not promoted while the primary answers", async () => {
    const primaryDir = dataDir();
    const primary = await start(primaryDir);
    const c = connect(primary, primaryDir);
    const { ledger } = await registerMerchant(c);
    await issueSome(ledger, 2);

    const standbyDir = dataDir();
    const standby = await start(standbyDir, standbyOf(primary, primaryDir));
    expect(standby.ready.contracts).to.deep.equal(primary.ready.contracts);
    const [receipt] = await issueSome(ledger, 1);
    await caughtUp(standby, primary);
    const head = Number((await rpc(primary.url, "eth_blockNumber")).result);
    for (let n = 0; n <= head; n++) {
      const [ours, theirs] = await Promise.all([rpc(standby.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true]), rpc(primary.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true])]);
      expect(ours.result, `block ${n}`).to.deep.equal(theirs.result);
    }
    const [ourReceipt, theirReceipt] = await Promise.all([rpc(standby.url, "eth_getTransactionReceipt", [receipt!.hash]), rpc(primary.url, "eth_getTransactionReceipt", [receipt!.hash])]);
    expect(ourReceipt.result).to.deep.equal(theirReceipt.result);
    const call = { to: primary.ready.contracts.ledger, data: ledger.interface.encodeFunctionData("nextNumber") };
    expect((await rpc(standby.url, "eth_call", [call, "latest"])).result).to.equal((await rpc(primary.url, "eth_call", [call, "latest"])).result);

    const tx = await rpc(standby.url, "eth_sendRawTransaction", [await c.bureau.signer.signTransaction({ to: primary.ready.contracts.ledger, data: "0x", gasLimit: 100_000, gasPrice: 0, nonce: 9_999, chainId: primary.ready.chainId })]);
    expect([tx.error?.code, tx.error?.data?.code]).to.deep.equal([-32003, "READ_ONLY_STANDBY"]);
    expect((await health(standby)).role).to.equal("standby");
    expect((await health(primary)).standbys?.[0]?.confirmed).to.equal(head);

    const refused = await promote(standby, standbyDir);
    expect([refused.status, refused.body.code]).to.deep.equal([409, "PRIMARY_ALIVE"]);
    // The command a person runs says the same, with its own exit code.
    const cli = spawnSync(process.execPath, [builtProgram("ledger-node/promote-cli"), "--data-dir", standbyDir, "--port", new URL(standby.url).port], { encoding: "utf8" });
    expect(cli.status).to.equal(2);
    expect(cli.stderr).to.include("PRIMARY_ALIVE");
    const notAStandby = await promote(primary, primaryDir);
    expect([notAStandby.status, notAStandby.body.code]).to.deep.equal([409, "WRONG_ROLE"]);
    c.provider.destroy();
  });

  it("with a synchronous standby, takes over after kill -9 of the primary and loses nothing acknowledged", async () => {
    const primaryDir = dataDir();
    let primary = await start(primaryDir);
    const setup = connect(primary, primaryDir);
    const merchant = await registerMerchant(setup);
    setup.provider.destroy();
    // From now on a block is acknowledged only once the standby has it.
    const port = new URL(primary.url).port;
    await primary.stop();
    primary = await start(primaryDir, { LEDGER_RPC_PORT: port, LEDGER_SYNC_STANDBY: "1" });
    const standbyDir = dataDir();
    const standby = await start(standbyDir, standbyOf(primary, primaryDir));

    const ackFile = join(standbyDir, "acknowledged.txt");
    const stream = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "test/ledger-node/fixtures/transaction-stream.ts", primary.url, String(primary.ready.chainId), merchant.key, primary.ready.contracts.ledger, ackFile],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const streamExited = new Promise((resolve) => stream.once("exit", resolve));
    try {
      await waitUntil(() => lines(ackFile).length >= 15, 60_000);
      await primary.kill();
    } finally {
      stream.kill("SIGTERM");
      await streamExited;
    }
    const acknowledged = lines(ackFile).map((line) => line.split(" "));

    const promoted = await promote(standby, standbyDir);
    expect(promoted.status, JSON.stringify(promoted.body)).to.equal(200);
    expect(promoted.body.ms).to.be.a("number");
    expect((await health(standby)).role).to.equal("primary");
    const c = connect(standby, primaryDir);
    for (const [hash, block] of acknowledged) {
      const receipt = await c.provider.getTransactionReceipt(hash!);
      expect(receipt, `acknowledged transaction ${hash} is not on the standby`).to.not.equal(null);
      expect([receipt!.blockNumber, receipt!.status]).to.deep.equal([Number(block), 1]);
    }
    // The new primary seals: the merchant carries on where it was.
    const ledger = c.ledger.connect(new NonceManager(new Wallet(merchant.key, c.provider)));
    const [next] = await issueSome(ledger, 1);
    expect(next!.status).to.equal(1);
    expect(next!.blockNumber).to.be.greaterThan(Number(acknowledged.at(-1)![1]));
    c.provider.destroy();
  });

  it("resumes following from its own journal after it was killed", async () => {
    const primaryDir = dataDir();
    const primary = await start(primaryDir);
    const c = connect(primary, primaryDir);
    const { ledger } = await registerMerchant(c);
    const standbyDir = dataDir();
    let standby = await start(standbyDir, standbyOf(primary, primaryDir));
    await issueSome(ledger, 2);
    await caughtUp(standby, primary);
    await standby.kill();
    await issueSome(ledger, 2);
    standby = await start(standbyDir, standbyOf(primary, primaryDir));
    await caughtUp(standby, primary);
    const latest = async (node: NodeProcess) => ((await rpc(node.url, "eth_getBlockByNumber", ["latest", false])).result as { hash: string }).hash;
    expect(await latest(standby)).to.equal(await latest(primary));
    c.provider.destroy();
  });
});
