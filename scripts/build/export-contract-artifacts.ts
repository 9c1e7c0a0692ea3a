/**
 * Writes `contract-artifacts/<ContractName>.json` = `{ contractName, abi, bytecode, deployedBytecode,
 * immutableReferences }` for the contracts a running system is checked against (lib/contract-code.ts), read from
 * Hardhat's build info. Runs after every `hardhat compile` (hardhat.config.ts overrides the compile task, so
 * `hardhat test` does it too); by hand:
 *
 *   node -r ts-node/register/transpile-only scripts/build/export-contract-artifacts.ts
 *
 * The runtime reads only these files, never `artifacts/` (Hardhat's layout, which a built package does not ship).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import type { ContractArtifact, ContractName, ImmutableReferences } from "../../lib/contract-artifacts";

/** The contracts of a deployment, by the source file that defines each. */
const SOURCES: Readonly<Record<ContractName, string>> = {
  LedgerForwarder: "contracts/LedgerForwarder.sol",
  ParticipantRegistry: "contracts/ParticipantRegistry.sol",
  InvoiceLedger: "contracts/InvoiceLedger.sol",
  LedgerProxy: "contracts/proxy/LedgerProxy.sol",
};

interface BuildInfo {
  output: {
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string; immutableReferences?: ImmutableReferences } } }>>;
  };
}

/**
 * Exports each contract from the build info its Hardhat artifact names (`<artifacts>/<source>/<Name>.dbg.json`):
 * with per-file compiler settings a source can be in several build infos, and the artifact's is the one in use.
 * Files are replaced atomically and only when their content changes.
 */
export function exportContractArtifacts(artifactsDir: string, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const buildInfos = new Map<string, BuildInfo>();
  const written: string[] = [];
  for (const [name, source] of Object.entries(SOURCES)) {
    const debugFile = join(artifactsDir, source, `${name}.dbg.json`);
    if (!existsSync(debugFile)) throw new Error(`no Hardhat artifact for ${name} (${debugFile}): compile first (npx hardhat compile)`);
    const buildInfoFile = resolve(dirname(debugFile), (JSON.parse(readFileSync(debugFile, "utf8")) as { buildInfo: string }).buildInfo);
    let buildInfo = buildInfos.get(buildInfoFile);
    if (buildInfo === undefined) {
      buildInfo = JSON.parse(readFileSync(buildInfoFile, "utf8")) as BuildInfo;
      buildInfos.set(buildInfoFile, buildInfo);
    }
    const compiled = buildInfo.output.contracts[source]?.[name];
    if (compiled === undefined) throw new Error(`${buildInfoFile} does not hold ${source}:${name}`);
    const artifact: ContractArtifact = {
      contractName: name,
      abi: compiled.abi,
      bytecode: `0x${compiled.evm.bytecode.object}`,
      deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
      immutableReferences: compiled.evm.deployedBytecode.immutableReferences ?? {},
    };
    const file = join(outDir, `${name}.json`);
    const text = `${JSON.stringify(artifact, null, 2)}\n`;
    if (existsSync(file) && readFileSync(file, "utf8") === text) continue;
    // Another process (an API starting) may read the file right now: it sees the old or the new one, never half.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  const root = join(__dirname, "..", "..");
  const written = exportContractArtifacts(join(root, "artifacts"), join(root, "contract-artifacts"));
  console.log(written.length === 0 ? "contract-artifacts/ is up to date" : `wrote ${written.join(", ")}`);
}
