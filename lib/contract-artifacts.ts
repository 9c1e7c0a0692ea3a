import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The build's contracts as the running system sees them: `contract-artifacts/<ContractName>.json`, written after
 * every compile by scripts/build/export-contract-artifacts.ts. Found relative to this module, never to the working
 * directory: from `lib/` it is `contract-artifacts/` of the source tree, from a built `dist/lib/` it is
 * `dist/contract-artifacts/`.
 */
export const CONTRACT_ARTIFACTS_DIR = join(__dirname, "..", "contract-artifacts");

/** The contracts a deployment consists of: the forwarder, the two implementations, and the proxy in front of each. */
export const CONTRACT_NAMES = ["LedgerForwarder", "ParticipantRegistry", "InvoiceLedger", "LedgerProxy"] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** solc's `evm.deployedBytecode.immutableReferences`: per immutable (AST id), where its words sit in the runtime code. */
export type ImmutableReferences = Record<string, { start: number; length: number }[]>;

export interface ContractArtifact {
  contractName: string;
  abi: unknown[];
  /** Creation code, 0x-prefixed. */
  bytecode: string;
  /** Runtime code as compiled, 0x-prefixed, with zeros where the constructor writes immutables. */
  deployedBytecode: string;
  immutableReferences: ImmutableReferences;
}

/** The build's artifacts are missing or unreadable: the code was not compiled (or not built) as it should be. */
export class ContractArtifactsMissingError extends Error {
  readonly code = "CONTRACT_ARTIFACTS_MISSING";
  constructor(
    message: string,
    readonly details: { file: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ContractArtifactsMissingError";
  }
}

const cache = new Map<string, ContractArtifact>();

/** The artifact of `name` from `dir` (default {@link CONTRACT_ARTIFACTS_DIR}), read once per process. */
export function loadContractArtifact(name: ContractName, dir: string = CONTRACT_ARTIFACTS_DIR): ContractArtifact {
  const file = join(dir, `${name}.json`);
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  let artifact: ContractArtifact;
  try {
    artifact = JSON.parse(readFileSync(file, "utf8")) as ContractArtifact;
  } catch (error) {
    throw new ContractArtifactsMissingError(`cannot read the build's contract artifact ${file}: compile the contracts (npx hardhat compile), which writes contract-artifacts/`, { file }, { cause: error });
  }
  if (artifact.contractName !== name || !/^0x[0-9a-f]*$/i.test(artifact.deployedBytecode) || !/^0x[0-9a-f]*$/i.test(artifact.bytecode)) {
    throw new ContractArtifactsMissingError(`${file} is not the artifact of ${name}: compile the contracts again`, { file });
  }
  cache.set(file, artifact);
  return artifact;
}
