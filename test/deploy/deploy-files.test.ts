import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";
import { promisify } from "node:util";

import { RLP } from "@ethereumjs/rlp";
import { expect } from "chai";
import { SigningKey, Wallet, getAddress, hexlify } from "ethers";

import { API_NODE_FLAGS } from "../../scripts/lib/api-process";
import { loadCompose, networksOf, optionOf, readEnvFile, volumeOf, type ComposeFile, type ComposeService } from "./helpers/compose-file";

const run = promisify(execFile);

const ROOT = join(__dirname, "..", "..");
const DEPLOY = join(ROOT, "deploy");
const GENERATED = "./network";
const VALIDATORS = ["validator-1", "validator-2", "validator-3", "validator-4"];
const NODES = [...VALIDATORS, "rpc-node"];
/** QBFT's genesis mixHash (Besu's and Quorum's BFT marker). */
const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** The API's largest transaction: a batch request of 500 invoices, signed with ~31.6 M gas (CHAIN-ASSUMPTIONS.md). */
const LARGEST_TRANSACTION_GAS = 32_000_000;

/** The arguments of the first line of the runbook that runs `program`. */
function runbookArgs(runbook: string, program: RegExp): string[] {
  const line = runbook.split("\n").find((candidate) => program.test(candidate));
  if (line === undefined) throw new Error(`deploy/README.md has no command matching ${program}`);
  return line.replace(program, "").trim().split(/\s+/);
}

function optionValue(args: string[], name: string): string {
  const at = args.indexOf(name);
  if (at < 0 || args[at + 1] === undefined) throw new Error(`no ${name} in ${args.join(" ")}`);
  return args[at + 1]!;
}

/**
 * What can be checked of deploy/ without Docker or Besu (neither runs on the development machines): the generator
 * run with the runbook's own command into a temporary directory, and every file it writes held against the compose
 * file, Besu's shared options, the nginx configuration and the runbook's commands.
 */
describe("deploy/: the consortium network, generated, and its files checked against each other", function () {
  this.timeout(120_000);
  let out: string;
  let runbook: string;
  let generateArgs: string[];
  let env: Record<string, string>;
  let compose: ComposeFile;
  const service = (name: string): ComposeService => {
    const found = compose.services[name];
    if (found === undefined) throw new Error(`no service ${name} in deploy/docker-compose.yml`);
    return found;
  };
  /** A generated file, by its path in the compose file (./network/...). */
  const generated = (path: string) => join(out, posix.relative(GENERATED, path));
  const readGenerated = (path: string) => readFileSync(generated(path), "utf8");
  const keyOf = (node: string) => readGenerated(`${GENERATED}/${node}/key`).trim();

  before(async () => {
    runbook = readFileSync(join(DEPLOY, "README.md"), "utf8");
    out = join(mkdtempSync(join(tmpdir(), "deploy-files-")), "network");
    const args = runbookArgs(runbook, /^node -r ts-node\/register\/transpile-only deploy\/besu\/generate-network\.ts/);
    expect(optionValue(args, "--out")).to.equal("deploy/network");
    generateArgs = args.map((arg, i) => (args[i - 1] === "--out" ? out : arg));
    await run(process.execPath, ["-r", "ts-node/register/transpile-only", "deploy/besu/generate-network.ts", ...generateArgs], { cwd: ROOT });
    env = readEnvFile(join(out, "compose.env"));
    compose = loadCompose(join(DEPLOY, "docker-compose.yml"), env);
  });
  after(() => {
    if (out !== undefined) rmSync(dirname(out), { recursive: true, force: true });
  });

  it("generates with the runbook's command, secrets readable by their owner only, and never overwrites them", async () => {
    for (const secret of [...NODES.map((node) => `${node}/key`), "bureau.key", "compose.env"]) {
      expect(statSync(join(out, secret)).mode & 0o077, secret).to.equal(0);
    }
    expect(Object.keys(env).sort()).to.deep.equal(["API_MASTER_KEY", "CHAIN_ID", "POSTGRES_PASSWORD"]);
    const again = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "deploy/besu/generate-network.ts", ...generateArgs], { cwd: ROOT }).catch((error: { code?: number }) => error);
    expect((again as { code?: number }).code).to.equal(3);
    // Never committed, never in an image.
    expect(readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n")).to.include("deploy/network/");
    expect(readFileSync(join(DEPLOY, "api.Dockerfile.dockerignore"), "utf8").split("\n")).to.include("deploy/network");
  });

  it("writes a QBFT genesis for Cancun with a zero base fee, whose extraData lists exactly the four validators' addresses", () => {
    const genesis = JSON.parse(readGenerated(`${GENERATED}/genesis.json`)) as { config: Record<string, unknown>; [field: string]: unknown };
    expect(genesis.config.qbft).to.have.all.keys("blockperiodseconds", "epochlength", "requesttimeoutseconds");
    const qbft = genesis.config.qbft as Record<string, number>;
    expect(qbft.requesttimeoutseconds).to.be.greaterThan(qbft.blockperiodseconds!);
    expect(genesis.config).to.include({ zeroBaseFee: true, londonBlock: 0, shanghaiTime: 0, cancunTime: 0 });
    expect(genesis).to.include({ mixHash: BFT_MIX_HASH, difficulty: "0x1", baseFeePerGas: "0x0" });
    expect(Number(genesis.gasLimit)).to.be.at.least(LARGEST_TRANSACTION_GAS);

    const [vanity, validators, vote, round, seals] = RLP.decode(genesis.extraData as string) as [Uint8Array, Uint8Array[], Uint8Array[], Uint8Array, Uint8Array[]];
    expect(hexlify(vanity)).to.equal(`0x${"00".repeat(32)}`);
    expect(vote).to.deep.equal([]);
    expect(round).to.have.length(0);
    expect(seals).to.deep.equal([]);
    const fromKeys = VALIDATORS.map((node) => new Wallet(keyOf(node)).address);
    expect(validators.map((address) => getAddress(hexlify(address))).sort()).to.deep.equal([...fromKeys].sort());
  });

  it("allows exactly the five nodes, by enode URLs made of their keys' public keys and their compose addresses", () => {
    const allowlist = /nodes-allowlist=\[([^\]]*)\]/.exec(readGenerated(`${GENERATED}/permissions_config.toml`))![1]!.match(/"enode:\/\/[^"]+"/g)!.map((quoted) => quoted.slice(1, -1));
    expect(readGenerated(`${GENERATED}/permissions_config.toml`)).to.not.match(/^accounts-allowlist/m);
    const expected = NODES.map((node) => {
      const besu = service(node);
      const mounted = besu.volumes!.map(volumeOf).find((volume) => volume.target === "/network/key");
      expect(mounted?.source, `${node}'s key`).to.equal(`${GENERATED}/${node}/key`);
      const ip = (besu.networks as Record<string, { ipv4_address?: string }>).chain!.ipv4_address!;
      expect(optionOf(besu, "p2p-host"), `${node}'s advertised address`).to.equal(ip);
      return `enode://${new SigningKey(keyOf(node)).publicKey.slice(4)}@${ip}:30303`;
    });
    expect([...allowlist].sort()).to.deep.equal([...expected].sort());
    expect([...(JSON.parse(readGenerated(`${GENERATED}/static-nodes.json`)) as string[])].sort()).to.deep.equal([...expected].sort());
    const subnet = compose.networks.chain!.ipam!.config![0]!.subnet;
    for (const enode of expected) expect(`${/@(\d+\.\d+\.\d+)\.\d+:/.exec(enode)![1]}.0/24`).to.equal(subnet);
    // Every Besu node reads the genesis, the allowlist, the static nodes and its key where the shared options say.
    const toml = readFileSync(join(DEPLOY, "besu", "besu.toml"), "utf8");
    const setting = (name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(toml)?.[1]?.replace(/^"(.*)"$/, "$1");
    expect([setting("permissions-nodes-config-file-enabled"), setting("discovery-enabled"), setting("min-gas-price")]).to.deep.equal(["true", "false", "0"]);
    for (const node of NODES) {
      const targets = service(node).volumes!.map(volumeOf).map((volume) => volume.target);
      expect(optionOf(service(node), "config-file")).to.equal("/config/besu.toml");
      for (const file of ["genesis-file", "static-nodes-file", "permissions-nodes-config-file", "node-private-key-file", "data-path"]) {
        expect(targets, `${node}: ${file}`).to.include(setting(file));
      }
    }
  });

  it("names one chain id in the genesis, compose.env, the compose file and the runbook's commands", () => {
    const chainId = Number(optionValue(generateArgs, "--chain-id"));
    expect(JSON.parse(readGenerated(`${GENERATED}/genesis.json`)).config.chainId).to.equal(chainId);
    expect(JSON.parse(readGenerated(`${GENERATED}/network.json`)).chainId).to.equal(chainId);
    expect(Number(env.CHAIN_ID)).to.equal(chainId);
    for (const node of NODES) expect(optionOf(service(node), "network-id"), node).to.equal(String(chainId));
    const answered = /^rpc eth_chainId\s+#\s*\{"result":"(0x[0-9a-f]+)"\}/m.exec(runbook);
    expect(Number(answered?.[1])).to.equal(chainId);
    expect(runbook).to.include(`Chain id **${chainId}** (\`0x${chainId.toString(16)}\`)`);
  });

  it("mounts only files that exist (in the repository, generated, or written by the runbook's deploy step), and declares its volumes", () => {
    const deployed = optionValue(runbookArgs(runbook, /^DEPLOYER_KEY="\$\(cat deploy\/network\/bureau\.key\)" npm run deploy --/), "--out");
    expect(deployed).to.equal("deploy/network/deployment.json");
    // The deploy step signs with the generated bureau key, which api-1 imports as the first bureau officer.
    expect(service("api-1").volumes).to.include(`${GENERATED}/bureau.key:${service("api-1").environment!.API_BUREAU_KEY_FILE}:ro`);
    for (const [name, entry] of Object.entries(compose.services)) {
      for (const volume of (entry.volumes ?? []).map(volumeOf)) {
        if (!volume.source.startsWith(".")) {
          expect(compose.volumes, `${name}: volume ${volume.source}`).to.have.property(volume.source);
          continue;
        }
        expect(volume.readOnly, `${name}: ${volume.source} is mounted read-only`).to.equal(true);
        if (volume.source === `${GENERATED}/deployment.json`) {
          expect(relative(ROOT, resolve(DEPLOY, volume.source))).to.equal(deployed);
          continue;
        }
        const path = volume.source.startsWith(`${GENERATED}/`) ? generated(volume.source) : resolve(DEPLOY, volume.source);
        expect(existsSync(path), `${name}: ${volume.source}`).to.equal(true);
        expect(statSync(path).isFile(), `${name}: ${volume.source} is a file`).to.equal(true);
      }
    }
  });

  it("pins every image, and builds the API image from a Dockerfile of the repository that keeps the keys out", () => {
    for (const [name, entry] of Object.entries(compose.services)) {
      const image = entry.image!;
      expect(image, name).to.match(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      expect(image, name).to.not.match(/:latest$/);
    }
    expect(service("validator-1").image).to.match(/^hyperledger\/besu:\d+\.\d+\.\d+$/);
    expect(service("postgres").image).to.match(/^postgres:\d+$/);
    expect(service("nginx").image).to.match(/^nginx:\d+\.\d+\.\d+(-alpine)?$/);
    const built = Object.values(compose.services).filter((entry) => entry.build !== undefined);
    expect(built).to.have.length(1);
    const { context, dockerfile } = built[0]!.build!;
    expect(resolve(DEPLOY, context)).to.equal(resolve(ROOT));
    const dockerfileText = readFileSync(resolve(DEPLOY, context, dockerfile), "utf8");
    expect(dockerfileText).to.match(/^RUN npm ci$/m);
    expect(dockerfileText).to.match(/^RUN npm run build && npm prune --omit=dev$/m);
    // The image, `npm run api` and the API started by `npm start`, tests and benchmarks run with the same flags.
    const flags = API_NODE_FLAGS.map((flag) => `"${flag}", `).join("");
    expect(dockerfileText).to.include(`\nCMD ["node", ${flags}"--enable-source-maps", "dist/api/main.js"]\n`);
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.api).to.equal(`exec node ${API_NODE_FLAGS.join(" ")} bin/run.js api/main`);
    for (const from of dockerfileText.match(/^FROM \S+/gm)!) expect(from).to.match(/^FROM node:20\.\d+\.\d+-[a-z]+-slim$/);
    // Every API instance runs the built image.
    for (const name of ["api-1", "api-2"]) expect(service(name).image).to.equal(built[0]!.image);
  });

  it("balances nginx over the API services on their ports, and points the APIs at the RPC node, the database and the deployment", () => {
    const nginx = readFileSync(join(DEPLOY, "nginx", "nginx.conf"), "utf8");
    expect(service("nginx").volumes).to.include("./nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
    const upstream = /upstream (\w+) \{([^}]*)\}/.exec(nginx)!;
    expect(nginx).to.include(`proxy_pass http://${upstream[1]};`);
    const servers = [...upstream[2]!.matchAll(/server ([\w-]+):(\d+)/g)].map((match) => ({ host: match[1]!, port: match[2]! }));
    expect(servers.map((server) => server.host).sort()).to.deep.equal(["api-1", "api-2"]);
    for (const { host, port } of servers) {
      expect(service(host).environment!.API_PORT, host).to.equal(port);
      expect(service(host).environment!.API_HOST, host).to.equal("0.0.0.0");
      expect(networksOf(service(host)).filter((network) => networksOf(service("nginx")).includes(network)), host).to.not.be.empty;
    }
    const listen = /listen (\d+);/.exec(nginx)![1];
    expect(service("nginx").ports!.map((port) => port.split(":").at(-1))).to.include(listen);

    const rpcNode = service("rpc-node");
    const postgres = service("postgres");
    for (const name of ["api-1", "api-2"]) {
      const api = service(name);
      const environment = api.environment!;
      const rpcUrl = new URL(environment.LEDGER_RPC_URL!);
      expect(rpcUrl.hostname, name).to.equal("rpc-node");
      expect(optionOf(rpcNode, "rpc-http-port")).to.equal(rpcUrl.port);
      expect(optionOf(rpcNode, "host-allowlist")!.split(",")).to.include("rpc-node");
      expect(networksOf(rpcNode)).to.include.members(networksOf(api));
      const database = new URL(environment.DATABASE_URL!);
      expect([database.hostname, database.port, database.username, decodeURIComponent(database.password), database.pathname]).to.deep.equal([
        "postgres",
        "5432",
        postgres.environment!.POSTGRES_USER,
        env.POSTGRES_PASSWORD,
        `/${postgres.environment!.POSTGRES_DB}`,
      ]);
      expect(environment.API_MASTER_KEY).to.equal(env.API_MASTER_KEY);
      expect(api.volumes!.map(volumeOf).map((volume) => volume.target)).to.include(environment.API_DEPLOYMENT_FILE);
    }
    // Only the RPC node serves JSON-RPC, on the host's loopback where the runbook's commands reach it.
    for (const validator of VALIDATORS) expect(optionOf(service(validator), "rpc-http-enabled"), validator).to.equal(undefined);
    expect(rpcNode.ports).to.deep.equal([`127.0.0.1:${runbookRpcPort(runbook)}:${optionOf(rpcNode, "rpc-http-port")}`]);
    expect(optionValue(runbookArgs(runbook, /^DEPLOYER_KEY="\$\(cat deploy\/network\/bureau\.key\)" npm run deploy --/), "--rpc-url")).to.equal(`http://127.0.0.1:${runbookRpcPort(runbook)}`);
  });
});

/** The port of the runbook's `rpc` helper (the operator's JSON-RPC calls). */
function runbookRpcPort(runbook: string): string {
  const helper = runbook.split("\n").find((line) => line.startsWith("rpc() {"));
  return /http:\/\/127\.0\.0\.1:(\d+)/.exec(helper ?? "")![1]!;
}
