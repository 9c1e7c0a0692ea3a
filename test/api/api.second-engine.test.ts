import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import { isCallException, JsonRpcProvider, Wallet } from "ethers";

import { CST_OFFSET_MS } from "../../api/domain/tax-period";
import { verifyProofBundle } from "../../lib/proof/verify-proof-bundle";
import { ParticipantRegistry__factory } from "../../typechain-types";
import { ApiClient } from "../../scripts/lib/api-client";
import { bureauClient, startApiProcess, type ApiProcess } from "../../scripts/lib/api-process";
import { anvilBinary, ANVIL_PACKAGE } from "../../scripts/lib/anvil-process";
import { invoiceBody } from "../../scripts/lib/demo-data";
import { startAnvilChain, type AnvilChain } from "./helpers/anvil-chain";
import { startRefused } from "./helpers/api-data";
import { scanChain, scanDatabase } from "./helpers/privacy-scan";
import { documentedMethods } from "./helpers/chain-assumptions";
import { runStory, STORY_EVENTS, type Story, type StoryInvoice } from "./helpers/story";
import { builtProgram } from "../../scripts/lib/built-program";

const run = promisify(execFile);

/** Ours, and neither the embedded node's (20180810) nor the consortium genesis's in deploy/ (20180812). */
const CHAIN_ID = 20180811;
/**
 * Interval mining, one block a second, as QBFT seals with `blockperiodseconds: 1` (deploy/besu/generate-network.ts):
 * a transaction waits in the pool for its block, so receipts are `null` for a while, an account's next transaction
 * is signed while its previous one is pending (its nonce must come from the pending count), empty blocks come
 * whether or not anything is sent, and reads at `latest` lag a send. Automine would answer every send with its
 * block at once and exercise none of that.
 */
const BLOCK_TIME_SECONDS = 1;
/** Besu refuses eth_getLogs over more than `--rpc-max-logs-range` blocks (5,000); scaled to this short chain. */
const MAX_LOGS_RANGE = 5;
/** A batch request's most invoices (api/http/schemas/invoice-document.ts), issued in one transaction. */
const LARGEST_BATCH = 500;
/** What the tests add to STORY_EVENTS: freeze, unfreeze, claim, submit, reimburse, file; 3 issued and claimed; the largest batch. */
const MORE_EVENTS = 6 + 3 + 3 + LARGEST_BATCH;

/**
 * The API on a second, independent EVM engine (Foundry's anvil), reached only through standard JSON-RPC behind a
 * gateway with a Besu endpoint's limits: deployed by the deployment CLI, the story of api.e2e.test.ts, freezes,
 * search, reports, concurrency of one account, a graceful restart and an index rebuilt from the chain with every
 * answer the same, the privacy scan, and the refusals at start that a wrong or rewritten chain must meet. Each
 * test below is named in deploy/CHAIN-ASSUMPTIONS.md against the assumption about the chain it holds the API to.
 */
describe("the API on a second engine: anvil (Cancun, zero fees, a block a second) through standard JSON-RPC", function () {
  this.timeout(300_000);
  let chain: AnvilChain;
  let api: ApiProcess;
  let provider: JsonRpcProvider;
  let story: Story;
  const env = (): Record<string, string> => ({ LEDGER_RPC_TOKEN: chain.token, LOG_LEVEL: "warn" });
  /** One event of an invoice's trace, as the bureau reads it (block and transaction from the chain's logs). */
  const eventOf = async (id: string, type: string): Promise<{ blockNumber: number; transactionHash: string }> => {
    const trace = await bureauClient(api).get(`/v1/invoices/${id}/trace`);
    const event = (trace.body.events as { type: string; blockNumber: number; transactionHash: string }[]).find((candidate) => candidate.type === type);
    if (event === undefined) throw new Error(`no ${type} in the trace of ${id}`);
    return event;
  };

  before(async function () {
    if (anvilBinary() === undefined) {
      // The optional dependency exists for linux-x64 only; there it must be installed, or this engine is not tested.
      if (process.platform === "linux" && process.arch === "x64") throw new Error(`${ANVIL_PACKAGE} is not installed: run npm ci`);
      this.skip();
    }
    chain = await startAnvilChain({ chainId: CHAIN_ID, blockTimeSeconds: BLOCK_TIME_SECONDS, maxLogsRange: MAX_LOGS_RANGE });
    provider = new JsonRpcProvider(chain.anvil.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
    api = await startApiProcess(chain.dataRoot, chain.gateway.url, env());
  });
  after(async () => {
    await api?.stop();
    provider?.destroy();
    await chain?.close();
  });

  it("is deployed by the deployment CLI from a bureau account without ether, and the API starts on the file it wrote", async () => {
    expect(chain.deployment.chainId).to.equal(CHAIN_ID);
    for (const address of [chain.deployment.forwarder, chain.deployment.registry, chain.deployment.ledger]) expect(await provider.getCode(address)).to.not.equal("0x");
    expect(await ParticipantRegistry__factory.connect(chain.deployment.registry, provider).isBureau(chain.bureau.address)).to.equal(true);
    expect(await provider.getBalance(chain.bureau.address)).to.equal(0n);
    expect([...chain.deployMethods.keys()].sort()).to.deep.equal(documentedMethods("deploy"));
    const health = await new ApiClient(api.url).get("/health");
    expect(health.status).to.equal(200);
    expect(health.body.chain.ok).to.equal(true);
  });

  it("runs the story: issues with retries, claims, submits, reimburses once, files, reverses, verifies, traces", async () => {
    story = await runStory(api.url, bureauClient(api));
  });

  it("freezes and unfreezes; searches, reports and files by the chain's clock: block times, tax periods in UTC+8", async () => {
    const { cast } = story;
    const bureau = bureauClient(api);
    const held = story.untouched[0]!;
    expect((await bureau.post(`/v1/invoices/${held.id}/freeze`, { reason: "audit" })).body.state).to.equal("Frozen");
    const frozenClaim = await cast.colleague.client.post(`/v1/invoices/${held.id}/claim`, { claimCode: held.claimCode });
    expect([frozenClaim.status, frozenClaim.body.error.code]).to.deep.equal([409, "INVALID_STATE"]);
    expect((await bureau.post(`/v1/invoices/${held.id}/unfreeze`)).body.state).to.equal("Issued");

    const numbers = (answer: { body: { invoices: { number: string }[] } }) => answer.body.invoices.map((invoice) => invoice.number);
    expect(numbers(await bureau.get("/v1/invoices?state=Issued&sort=-number"))).to.have.length(3);
    expect(numbers(await cast.merchant.client.get("/v1/invoices?reference=order-1004"))).to.deep.equal([story.untouched[1]!.number]);
    // Issue times are the blocks' timestamps: all five within the last minutes by the wall clock, none an hour ago.
    const now = Date.now();
    const window = (from: number, to: number) => `issuedFrom=${new Date(from).toISOString()}&issuedTo=${new Date(to).toISOString()}`;
    expect(numbers(await bureau.get(`/v1/invoices?${window(now - 10 * 60_000, now + 60_000)}`))).to.have.length(5);
    expect(numbers(await bureau.get(`/v1/invoices?${window(now - 3_600_000, now - 20 * 60_000)}`))).to.deep.equal([]);
    const cstDay = (time: number) => new Date(time + CST_OFFSET_MS).toISOString().slice(0, 10);
    const series = await bureau.get(`/v1/reports/series?from=${cstDay(now - 86_400_000)}&to=${cstDay(now)}`);
    const days = series.body.days as { invoices: number; total: string }[];
    expect(days.reduce((sum, day) => sum + day.invoices, 0)).to.equal(5);

    // The period the chain counts issues in (its block times, UTC+8) is the wall clock's: the quota granted for it
    // is the one used, by what was issued net of the reversal, as the event index totals it.
    const totals = await bureau.get(`/v1/reports/totals?merchant=${cast.merchant.account}&period=${cast.period}`);
    const [row] = totals.body.totals as { invoices: number; total: string; reversedTotal: string }[];
    expect(row!.invoices).to.equal(5);
    const quota = await cast.merchant.client.get(`/v1/merchants/${cast.merchant.account}/quotas/${cast.period}`);
    expect(quota.body.used).to.equal((BigInt(row!.total) - BigInt(row!.reversedTotal)).toString());

    // Filing is bounded by the period of issue and the current one, both from block times.
    expect((await cast.colleague.client.post(`/v1/invoices/${held.id}/claim`, { claimCode: held.claimCode })).status).to.equal(200);
    expect((await cast.colleague.client.post(`/v1/invoices/${held.id}/submit`, { enterprise: cast.enterprise.account })).body.state).to.equal("Locked");
    expect((await cast.enterprise.client.post(`/v1/invoices/${held.id}/reimburse`)).body.state).to.equal("Reimbursed");
    const previous = cast.period % 100 === 1 ? cast.period - 89 : cast.period - 1;
    const late = await cast.enterprise.client.post(`/v1/invoices/${held.id}/file`, { period: previous });
    expect([late.status, late.body.error.code]).to.deep.equal([422, "FILING_PERIOD_OUT_OF_RANGE"]);
    expect(late.body.error.details).to.include({ earliest: String(cast.period), latest: String(cast.period) });
    const next = cast.period % 100 === 12 ? cast.period + 89 : cast.period + 1;
    const early = await cast.enterprise.client.post(`/v1/invoices/${held.id}/file`, { period: next });
    expect([early.status, early.body.error.code]).to.deep.equal([422, "INVALID_PERIOD"]);
    expect((await cast.enterprise.client.post(`/v1/invoices/${held.id}/file`, { period: cast.period })).body.state).to.equal("Filed");
  });

  it("signs an account's transactions while its earlier ones are pending, several in a block (nonces from the pending count); no party holds ether", async () => {
    const { cast } = story;
    const buyer = { type: "organisation" as const, name: cast.enterprise.name, taxpayerId: cast.enterprise.taxpayerId };
    const batch = await cast.merchant.client.post("/v1/invoices/batch", { invoices: ["order-2001", "order-2002", "order-2003"].map((ref) => invoiceBody(ref, buyer)) });
    expect(batch.status).to.equal(201);
    const invoices = (batch.body.results as { invoice: StoryInvoice }[]).map((result) => result.invoice);
    const pendingBefore = chain.gateway.counts().pendingReceipts;
    const claims = await Promise.all(invoices.map((invoice) => cast.colleague.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode })));
    expect(claims.map((claim) => claim.status)).to.deep.equal([200, 200, 200]);
    const claimedIn = await Promise.all(invoices.map(async (invoice) => (await eventOf(invoice.id, "InvoiceClaimed")).blockNumber));
    expect(new Set(claimedIn).size, `claims in blocks ${claimedIn.join(", ")}`).to.be.lessThan(claimedIn.length);
    expect(chain.gateway.counts().pendingReceipts).to.be.greaterThan(pendingBefore);

    // Every party signs its own transactions, and none of them holds ether: the gas price is zero.
    for (const account of [chain.bureau.address, cast.merchant.account, cast.enterprise.account, cast.employee.account, cast.colleague.account]) {
      expect(await provider.getBalance(account), account).to.equal(0n);
    }
  });

  it("issues the largest batch a request may carry (500 invoices) in one transaction within the block gas limit", async () => {
    const { cast } = story;
    const buyer = { type: "organisation" as const, name: cast.otherEnterprise.name, taxpayerId: cast.otherEnterprise.taxpayerId };
    const references = Array.from({ length: LARGEST_BATCH }, (_, i) => `bulk-${i}`);
    const batch = await cast.otherMerchant.client.post("/v1/invoices/batch", { invoices: references.map((ref) => invoiceBody(ref, buyer)) });
    expect(batch.status, JSON.stringify(batch.body).slice(0, 300)).to.equal(201);
    const results = batch.body.results as { invoice: StoryInvoice }[];
    const [first, last] = await Promise.all([eventOf(results[0]!.invoice.id, "InvoiceIssued"), eventOf(results.at(-1)!.invoice.id, "InvoiceIssued")]);
    expect(last.transactionHash).to.equal(first.transactionHash);
    const receipt = (await provider.getTransactionReceipt(first.transactionHash))!;
    const block = (await provider.getBlock(receipt.blockNumber))!;
    expect(receipt.gasUsed).to.be.lessThan(block.gasLimit);
  });

  it("leaves account permissioning to the contracts: an account the registry does not know is refused by them", async () => {
    const stranger = Wallet.createRandom();
    const registry = ParticipantRegistry__factory.connect(chain.deployment.registry, provider);
    const refusal = await registry.registerIndividual.staticCall(stranger.address, { from: stranger.address }).catch((error: unknown) => error);
    expect(isCallException(refusal)).to.equal(true);
    expect((refusal as { revert?: { name?: string } }).revert?.name).to.equal("ParticipantRegistryUnauthorized");
  });

  it("keeps personal data off the chain: no name, phone or ID number in any transaction or log", async () => {
    // What every member of a consortium reads: each transaction's input and each log, over JSON-RPC. (anvil keeps
    // its chain in memory; the scan of a node's own store, api.e2e.test.ts's LevelDB scan, has no counterpart here.)
    const onChain = await scanChain(chain.anvil.url, story.personalData);
    expect(onChain.transactions).to.be.greaterThan(15);
    expect(onChain.hits).to.deep.equal([]);
    // The scan sees what is meant to be in clear in the API's private database: the participants' names. A
    // document's personal fields are there only encrypted under a key of that document (api.erasure.test.ts).
    const apiStore = await scanDatabase(join(chain.dataRoot, "postgres"), story.personalData);
    expect(new Set(apiStore.hits.map((hit) => hit.needle))).to.deep.equal(new Set(["张三", "李四", "王五"]));
  });

  it("gives an offline proof of an invoice on a chain that seals nothing the verifier can check: valid against a block hash the verifier trusts", async () => {
    const { cast, invoice } = story;
    const bundle = (await cast.employee.client.get(`/v1/invoices/${invoice.id}/proof`)).body;
    expect(bundle.seal).to.equal(null);
    expect(await verifyProofBundle(bundle, { authority: chain.bureau.address })).to.deep.include({ valid: false, reason: "UNSEALED" });
    // The verifier takes the block's hash from a source it trusts: here, the chain itself.
    const block = await provider.getBlock(Number(bundle.block.number));
    const verdict = await verifyProofBundle(bundle, { trustedBlockHash: block!.hash! });
    expect(verdict.valid && verdict.proves).to.deep.include({ kind: "invoice", id: invoice.id, documentMatches: true });
    const pdf = await fetch(`${api.url}/v1/invoices/${invoice.id}/pdf`, { headers: { authorization: `Bearer ${cast.employee.client.apiKey}` } });
    expect([pdf.status, pdf.headers.get("content-type")]).to.deep.equal([200, "application/pdf"]);
  });

  it("answers the same after a graceful restart and after its index is rebuilt from the chain in ranges the endpoint accepts", async () => {
    const before = await story.answers();
    expect(await api.stop()).to.equal(0);
    const refusedBefore = chain.gateway.counts().refusedLogRanges;
    const { stdout } = await run(process.execPath, [builtProgram("api/reindex"), "--rpc-url", chain.gateway.url], {
      env: { ...process.env, ...env(), LEDGER_DATA_DIR: chain.dataRoot },
    });
    const rebuilt = JSON.parse(stdout.trim().split("\n").pop()!) as { events: number; missingDocuments: number };
    expect(rebuilt).to.include({ events: STORY_EVENTS + MORE_EVENTS, missingDocuments: 0 });
    expect(chain.gateway.counts().refusedLogRanges).to.be.greaterThan(refusedBefore);
    api = await startApiProcess(chain.dataRoot, chain.gateway.url, env(), { port: Number(new URL(api.url).port) });
    expect(await story.answers()).to.deep.equal(before);
    expect((await new ApiClient(api.url).get("/health")).status).to.equal(200);
  });

  it("called the chain only through the standard JSON-RPC methods listed in deploy/CHAIN-ASSUMPTIONS.md, always with its token", async () => {
    expect([...chain.gateway.methods().keys()].sort()).to.deep.equal(documentedMethods("api"));
    expect(chain.gateway.counts()).to.include({ unauthenticated: 0, batches: 0 });
  });

  it("refuses to start against an endpoint that serves another chain id than its deployment's", async () => {
    const other = join(chain.dataRoot, "deployment-other-chain.json");
    writeFileSync(other, JSON.stringify({ ...(JSON.parse(readFileSync(join(chain.dataRoot, "deployment.json"), "utf8")) as object), chainId: CHAIN_ID + 1 }));
    expect(await startRefused(chain.dataRoot, chain.gateway.url, { ...env(), API_DEPLOYMENT_FILE: other })).to.deep.equal({ exitCode: 1, code: "START_FAILED" });
  });

  it("refuses to start when blocks it indexed are no longer the chain's (a reorganisation, which QBFT's finality excludes)", async () => {
    const indexed = (await new ApiClient(api.url).get("/health")).body.index.indexedBlock as number;
    expect(await api.stop()).to.equal(0);
    // Under the stopped API, the blocks from the last one it indexed on are replaced by others at the same heights
    // (anvil's test methods: mining stopped, the chain rolled back, blocks mined with other timestamps).
    const replaced = (await provider.getBlock(indexed))!;
    await provider.send("evm_setIntervalMining", [0]);
    const head = await provider.getBlockNumber();
    await provider.send("anvil_rollback", [head - indexed + 1]);
    for (let n = indexed; n <= head; n++) await provider.send("evm_mine", [replaced.timestamp + 1 + n - indexed]);
    expect((await provider.getBlock(indexed))!.hash).to.not.equal(replaced.hash);
    expect(await startRefused(chain.dataRoot, chain.gateway.url, env())).to.deep.equal({ exitCode: 5, code: "INDEX_AHEAD_OF_CHAIN" });
  });
});
