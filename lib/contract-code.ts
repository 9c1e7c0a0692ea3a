import { Interface, getAddress, isError } from "ethers";

import { loadContractArtifact, type ContractArtifact, type ContractName } from "./contract-artifacts";

/**
 * Whether the contracts on chain are the ones this build was made for, read with standard JSON-RPC only
 * (`eth_getCode`, `eth_getStorageAt`, `eth_call`), so that it works against any chain. Shared by the node (which
 * reports it) and the API (which refuses to start on a mismatch).
 *
 * Code is compared as Sourcify compares it for a partial match: the runtime code with the immutables' words
 * masked (the constructor writes them, e.g. the forwarder and registry addresses) and the trailing CBOR metadata
 * left out (its hash changes with a comment). The immutables that wire a deployment together are then read
 * through the contracts' own getters, so that an implementation built for another registry or forwarder is
 * caught as well.
 */

/** bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1): where an ERC-1967 proxy names its implementation. */
export const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** What the check needs of a provider: ethers' `JsonRpcProvider` has it. */
export interface JsonRpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** The deployment's addresses: the forwarder, and the registry's and the ledger's proxies. */
export interface DeployedAddresses {
  forwarder: string;
  registry: string;
  ledger: string;
}

export type CheckedContract = "LedgerForwarder" | "ParticipantRegistry" | "InvoiceLedger";

/**
 * - `match`: the code this build expects;
 * - `differs`: other code (`reason` says where);
 * - `missing`: no code at the address;
 * - `pre-proxy`: a plain contract from before the contracts were upgradeable, which cannot be upgraded in place.
 */
export type ContractStatus = "match" | "differs" | "missing" | "pre-proxy";

/** An upgrade the bureau scheduled and nobody executed or cancelled yet. */
export interface PendingUpgrade {
  implementation: string;
  /** Seconds since 1970 from which `upgradeToAndCall` accepts it. */
  readyAt: number;
  /** Whether it is executable now (by this machine's clock; the chain's next block decides). */
  ready: boolean;
  /** Whether its code is this build's: executing it brings the contract to this build. */
  matchesBuild: boolean;
}

export interface ContractCheck {
  contract: CheckedContract;
  /** The deployment's address: the proxy's for the registry and the ledger. */
  address: string;
  status: ContractStatus;
  /** The code that runs: the ERC-1967 implementation of a proxy, the address itself otherwise; null when there is no code. */
  implementation: string | null;
  /** Why the status is not `match`; null when it is. */
  reason: string | null;
  pendingUpgrade: PendingUpgrade | null;
  /** Seconds a scheduled upgrade waits (null for the forwarder and when it cannot be read). */
  upgradeDelay: number | null;
}

export interface ContractCodeReport {
  /** Every contract runs this build's code. */
  matches: boolean;
  contracts: ContractCheck[];
  /** The scheduled upgrades, by contract. */
  pendingUpgrades: (PendingUpgrade & { contract: CheckedContract })[];
  /** When the report was made, seconds since 1970. */
  checkedAt: number;
}

export interface CheckOptions {
  /** Where the build's artifacts are (lib/contract-artifacts.ts says the default). */
  artifactsDir?: string;
  /** The clock for `ready`, seconds since 1970. */
  now?: () => number;
}

/** Reads the deployment's contracts from the chain and compares them with this build's. */
export async function checkContractCode(rpc: JsonRpcSender, deployment: DeployedAddresses, options: CheckOptions = {}): Promise<ContractCodeReport> {
  const artifact = (name: ContractName) => loadContractArtifact(name, options.artifactsDir);
  const now = options.now?.() ?? Math.floor(Date.now() / 1000);
  const reader = new ChainReader(rpc);
  const proxy = artifact("LedgerProxy");
  const forwarder = getAddress(deployment.forwarder);
  const registry = getAddress(deployment.registry);
  const contracts = await Promise.all([
    checkPlain(reader, "LedgerForwarder", forwarder, artifact("LedgerForwarder")),
    checkProxied(reader, "ParticipantRegistry", registry, artifact("ParticipantRegistry"), proxy, { trustedForwarder: forwarder }, now),
    checkProxied(reader, "InvoiceLedger", getAddress(deployment.ledger), artifact("InvoiceLedger"), proxy, { trustedForwarder: forwarder, registry }, now),
  ]);
  return {
    matches: contracts.every((c) => c.status === "match"),
    contracts,
    pendingUpgrades: contracts.flatMap((c) => (c.pendingUpgrade === null ? [] : [{ contract: c.contract, ...c.pendingUpgrade }])),
    checkedAt: now,
  };
}

/**
 * Whether `deployedCode` (0x-hex, as `eth_getCode` answers) is the runtime code of `artifact`: equal once the
 * immutables' words are masked in both and the CBOR metadata is cut off both.
 */
export function isBuildCode(artifact: Pick<ContractArtifact, "deployedBytecode" | "immutableReferences">, deployedCode: string): boolean {
  const built = Buffer.from(artifact.deployedBytecode.slice(2), "hex");
  const deployed = Buffer.from(deployedCode.slice(2), "hex");
  if (built.length === 0 || built.length !== deployed.length) return false;
  return executablePart(built, artifact).equals(executablePart(deployed, artifact));
}

function executablePart(code: Buffer, artifact: Pick<ContractArtifact, "immutableReferences">): Buffer {
  const masked = Buffer.from(code);
  for (const ranges of Object.values(artifact.immutableReferences)) {
    for (const { start, length } of ranges) masked.fill(0, Math.min(start, masked.length), Math.min(start + length, masked.length));
  }
  // solc ends the code with its CBOR metadata and the metadata's length in two bytes.
  const metadata = masked.length >= 2 ? masked.readUInt16BE(masked.length - 2) + 2 : 0;
  return metadata <= masked.length ? masked.subarray(0, masked.length - metadata) : masked;
}

/** One sentence per contract that does not match, and one per scheduled upgrade, for logs and refusals. */
export function describeContractCode(report: ContractCodeReport): string[] {
  const lines = report.contracts.filter((c) => c.status !== "match").map((c) => `${c.contract} at ${c.address}: ${c.reason ?? c.status}`);
  for (const pending of report.pendingUpgrades) {
    const when = pending.ready ? "executable now" : `executable from ${new Date(pending.readyAt * 1000).toISOString()}`;
    lines.push(`an upgrade of ${pending.contract} to ${pending.implementation} (${pending.matchesBuild ? "this build's code" : "not this build's code"}) is scheduled, ${when}`);
  }
  return lines;
}

async function checkPlain(reader: ChainReader, contract: CheckedContract, address: string, built: ContractArtifact): Promise<ContractCheck> {
  const code = await reader.code(address);
  const base = { contract, address, pendingUpgrade: null, upgradeDelay: null };
  if (code === "0x") return { ...base, status: "missing", implementation: null, reason: `there is no contract at ${address}` };
  if (!isBuildCode(built, code)) return { ...base, status: "differs", implementation: address, reason: `its code is not this build's ${contract}` };
  return { ...base, status: "match", implementation: address, reason: null };
}

/** A contract behind a LedgerProxy: the proxy's code, its implementation's code, the implementation's wiring. */
async function checkProxied(
  reader: ChainReader,
  contract: CheckedContract,
  address: string,
  built: ContractArtifact,
  proxy: ContractArtifact,
  wiring: Record<string, string>,
  now: number,
): Promise<ContractCheck> {
  const [code, slot] = await Promise.all([reader.code(address), reader.storage(address, IMPLEMENTATION_SLOT)]);
  const base = { contract, address };
  if (code === "0x") return { ...base, status: "missing", implementation: null, reason: `there is no contract at ${address}`, pendingUpgrade: null, upgradeDelay: null };
  const implementation = getAddress(`0x${slot.slice(-40)}`);
  if (BigInt(implementation) === 0n) {
    return {
      ...base,
      status: "pre-proxy",
      implementation: address,
      reason: `a plain ${contract} deployed before the contracts were upgradeable (no ERC-1967 proxy): it cannot be upgraded in place`,
      pendingUpgrade: null,
      upgradeDelay: null,
    };
  }
  const contractInterface = new Interface(built.abi as string[]);
  const [implementationCode, pendingUpgrade, upgradeDelay, wired] = await Promise.all([
    reader.code(implementation),
    readPendingUpgrade(reader, contractInterface, address, built, now),
    reader.call(contractInterface, address, "upgradeDelay").then((delay) => (delay === undefined ? null : Number(delay))),
    Promise.all(Object.entries(wiring).map(async ([getter, expected]) => ({ getter, expected, actual: await reader.call(contractInterface, address, getter) }))),
  ]);
  const result = { ...base, implementation, pendingUpgrade, upgradeDelay };
  if (!isBuildCode(proxy, code)) return { ...result, status: "differs", reason: `the proxy's code is not this build's LedgerProxy` };
  if (implementationCode === "0x") return { ...result, status: "differs", reason: `its implementation ${implementation} has no code` };
  if (!isBuildCode(built, implementationCode)) return { ...result, status: "differs", reason: `its implementation ${implementation} runs other code than this build's ${contract}` };
  const miswired = wired.find((w) => typeof w.actual !== "string" || getAddress(w.actual) !== w.expected);
  if (miswired !== undefined) {
    return { ...result, status: "differs", reason: `its implementation ${implementation} was built with ${miswired.getter} ${String(miswired.actual)}, this deployment's is ${miswired.expected}` };
  }
  return { ...result, status: "match", reason: null };
}

async function readPendingUpgrade(reader: ChainReader, contractInterface: Interface, address: string, built: ContractArtifact, now: number): Promise<PendingUpgrade | null> {
  const answer = await reader.callAll(contractInterface, address, "pendingUpgrade");
  if (answer === undefined) return null;
  const implementation = getAddress(String(answer[0]));
  if (BigInt(implementation) === 0n) return null;
  const readyAt = Number(answer[1]);
  return { implementation, readyAt, ready: now >= readyAt, matchesBuild: isBuildCode(built, await reader.code(implementation)) };
}

/** The few standard reads the check makes. */
class ChainReader {
  constructor(private readonly rpc: JsonRpcSender) {}

  async code(address: string): Promise<string> {
    return String(await this.rpc.send("eth_getCode", [address, "latest"])).toLowerCase();
  }

  async storage(address: string, slot: string): Promise<string> {
    return String(await this.rpc.send("eth_getStorageAt", [address, slot, "latest"]));
  }

  /** The first value a view returns; undefined when the contract there has no such view (it reverts or answers nothing). */
  async call(contractInterface: Interface, address: string, name: string): Promise<unknown> {
    return (await this.callAll(contractInterface, address, name))?.[0];
  }

  async callAll(contractInterface: Interface, address: string, name: string): Promise<unknown[] | undefined> {
    const data = contractInterface.encodeFunctionData(name, []);
    try {
      const answer = String(await this.rpc.send("eth_call", [{ to: address, data }, "latest"]));
      return [...contractInterface.decodeFunctionResult(name, answer)];
    } catch (error) {
      // Other failures (the chain unreachable) are not an answer about the code: they propagate.
      if (isError(error, "CALL_EXCEPTION") || isError(error, "BAD_DATA")) return undefined;
      throw error;
    }
  }
}
