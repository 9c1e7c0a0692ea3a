/**
 * Generates the configuration of a four-validator Hyperledger Besu QBFT network for deploy/docker-compose.yml
 * (deploy/README.md walks through it):
 *
 *   node -r ts-node/register/transpile-only deploy/besu/generate-network.ts --out deploy/network --chain-id 20180812
 *
 * Writes into `--out` (which must not exist yet: it holds private keys, and a live network's keys are never
 * overwritten; `--force` replaces it):
 *
 *   validator-1/key … validator-4/key, rpc-node/key   node keys (0600), read by Besu's --node-private-key-file
 *   genesis.json             QBFT, Cancun, zero base fee, the four validators in the extraData
 *   permissions_config.toml  nodes-allowlist: the five enode URLs (node permissioning; no account allowlist:
 *                            the contracts' registry is the gate, deploy/CHAIN-ASSUMPTIONS.md)
 *   static-nodes.json        the same enode URLs, which each node keeps connections to (discovery is off)
 *   bureau.key               the bureau's deploying key (0600): `npm run deploy` signs with it, the first API
 *                            instance imports it as the first bureau officer
 *   compose.env              CHAIN_ID and the secrets the compose file reads (0600): POSTGRES_PASSWORD, API_MASTER_KEY
 *   network.json             what was generated, without secrets: chain id, nodes, their addresses and enode URLs
 *
 * Prints network.json on stdout. Exit codes: 0 done, 2 a wrong option, 3 the output directory exists.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { Command, InvalidArgumentError } from "commander";
import { Wallet } from "ethers";

import { enodeUrl, newNodeKey, type NodeKey } from "./node-key";
import { qbftGenesis, sortedValidators } from "./qbft-genesis";

/** The chain id of the consortium's chain: not the embedded node's (20180810), nor the second engine's in CI (20180811). */
export const DEFAULT_CHAIN_ID = 20180812;
/** The compose file's network for the chain (deploy/docker-compose.yml, `networks.chain`): nodes at .11–.14 and .20. */
export const DEFAULT_SUBNET = "172.16.239";
const P2P_PORT = 30303;
const VALIDATORS = 4;

type GeneratorErrorCode = "INVALID_OPTION" | "OUTPUT_EXISTS";

/** A refusal of the generator, with the exit code it ends with. */
export class GeneratorError extends Error {
  constructor(
    readonly code: GeneratorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "GeneratorError";
  }

  get exitCode(): number {
    return this.code === "OUTPUT_EXISTS" ? 3 : 2;
  }
}

interface Options {
  out: string;
  chainId: number;
  subnet: string;
  blockPeriod: number;
  force: boolean;
}

export interface GeneratedNode {
  name: string;
  role: "validator" | "rpc";
  ip: string;
  address: string;
  enode: string;
}

const integer = (name: string) => (value: string) => {
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return Number(value);
};

function generate(options: Options): { chainId: number; nodes: GeneratedNode[]; bureau: string } {
  if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(options.subnet) || options.subnet.split(".").some((part) => Number(part) > 255)) {
    throw new GeneratorError("INVALID_OPTION", `--subnet takes the first three numbers of a /24, e.g. ${DEFAULT_SUBNET}`);
  }
  const out = resolve(options.out);
  if (existsSync(out)) {
    if (!options.force) throw new GeneratorError("OUTPUT_EXISTS", `${out} exists: it may hold a live network's keys (use --force to replace it)`);
    rmSync(out, { recursive: true, force: true });
  }
  const secret = (path: string, content: string) => writeFileSync(path, content, { mode: 0o600 });
  const nodes: (GeneratedNode & { key: NodeKey })[] = [];
  for (let i = 1; i <= VALIDATORS; i++) nodes.push(nodeOf(`validator-${i}`, "validator", `${options.subnet}.${10 + i}`));
  nodes.push(nodeOf("rpc-node", "rpc", `${options.subnet}.20`));

  mkdirSync(out, { recursive: true, mode: 0o700 });
  for (const node of nodes) {
    mkdirSync(join(out, node.name), { mode: 0o700 });
    secret(join(out, node.name, "key"), `${node.key.privateKey}\n`);
  }
  const validators = sortedValidators(nodes.filter((node) => node.role === "validator").map((node) => node.address));
  const genesis = qbftGenesis({ chainId: options.chainId, validators, blockPeriodSeconds: options.blockPeriod, timestamp: Math.floor(Date.now() / 1000) });
  writeFileSync(join(out, "genesis.json"), `${JSON.stringify(genesis, null, 2)}\n`);
  const enodes = nodes.map((node) => node.enode);
  writeFileSync(
    join(out, "permissions_config.toml"),
    `# Node permissioning (--permissions-nodes-config-file): only these nodes may connect. No accounts-allowlist:\n# the API creates party accounts at run time, the contracts' registry decides who may act (deploy/CHAIN-ASSUMPTIONS.md).\nnodes-allowlist=[\n${enodes.map((enode) => `  "${enode}"`).join(",\n")}\n]\n`,
  );
  writeFileSync(join(out, "static-nodes.json"), `${JSON.stringify(enodes, null, 2)}\n`);
  const bureau = Wallet.createRandom();
  secret(join(out, "bureau.key"), `${bureau.privateKey}\n`);
  secret(join(out, "compose.env"), `CHAIN_ID=${options.chainId}\nPOSTGRES_PASSWORD=${randomBytes(24).toString("hex")}\nAPI_MASTER_KEY=${randomBytes(32).toString("hex")}\n`);
  const network = { chainId: options.chainId, nodes: nodes.map(({ key: _key, ...node }) => node), bureau: bureau.address };
  writeFileSync(join(out, "network.json"), `${JSON.stringify(network, null, 2)}\n`);
  return network;
}

function nodeOf(name: string, role: GeneratedNode["role"], ip: string): GeneratedNode & { key: NodeKey } {
  const key = newNodeKey();
  return { name, role, ip, address: key.address, enode: enodeUrl(key, ip, P2P_PORT), key };
}

if (require.main === module) {
  const options = new Command()
    .name("generate-network")
    .description("Keys, genesis and permissioning of a four-validator Besu QBFT network for deploy/docker-compose.yml")
    .option("--out <dir>", "output directory (must not exist; gitignored under deploy/network)", "deploy/network")
    .option("--chain-id <id>", "the chain id", integer("--chain-id"), DEFAULT_CHAIN_ID)
    .option("--subnet <a.b.c>", "the compose file's chain network, a /24", DEFAULT_SUBNET)
    .option("--block-period <seconds>", "QBFT's blockperiodseconds", integer("--block-period"), 1)
    .option("--force", "replace an existing output directory (and the keys in it)", false)
    // A wrong option exits 2, as a refusal of ours does, and --help 0.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .addHelpText("after", "\nExample:\n  node -r ts-node/register/transpile-only deploy/besu/generate-network.ts --out deploy/network --chain-id 20180812\n")
    .parse()
    .opts<Options>();
  try {
    process.stdout.write(`${JSON.stringify(generate(options), null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof GeneratorError)) throw error;
    process.stderr.write(`generate-network: ${error.message} (${error.code})\n`);
    process.exit(error.exitCode);
  }
}
