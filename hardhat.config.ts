import { join } from "node:path";

import { subtask, task, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";

import { exportContractArtifacts } from "./scripts/build/export-contract-artifacts";

/**
 * The one compiler every machine uses: solc from the pinned npm package `solc`.
 * Hardhat would otherwise download a native compiler, which is neither reproducible nor
 * possible on machines without access to binaries.soliditylang.org.
 */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }) => {
  if (args.solcVersion !== SOLC_VERSION) {
    throw new Error(`only solc ${SOLC_VERSION} is pinned (from the npm package "solc"); asked for ${args.solcVersion}`);
  }
  const solcPackage = require("solc/package.json") as { version: string };
  if (solcPackage.version !== SOLC_VERSION) {
    throw new Error(`node_modules/solc is ${solcPackage.version}, expected ${SOLC_VERSION}: run npm ci`);
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: SOLC_VERSION,
  };
});

/**
 * Every compile also writes `contract-artifacts/` (scripts/build/export-contract-artifacts.ts): the ABI and code
 * that the node and the API compare the chain's contracts with at start (lib/contract-code.ts). `hardhat test`
 * and `hardhat coverage` compile through this task too.
 */
task(TASK_COMPILE).setAction(async (args, hre, runSuper) => {
  const result: unknown = await runSuper(args);
  exportContractArtifacts(hre.config.paths.artifacts, join(hre.config.paths.root, "contract-artifacts"));
  return result;
});

/** `storageLayout`: what test/contracts/storage-layout.test.ts compares with the released layout of each upgradeable contract. */
const settings = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 10_000 },
  viaIR: false,
  outputSelection: { "*": { "*": ["storageLayout"] } },
};

/**
 * The invoice ledger with its upgrade code (UUPS and the delayed schedule) is 28.1 KB at 10,000 runs, above the
 * 24,576-byte limit of EIP-170 that every standard chain enforces; at 200 runs it is 23.3 KB. Its hot paths are
 * storage-bound, so the gas figures barely move (docs/upgrades.md has them). Its test successor shares the setting.
 */
const ledgerSettings = { ...settings, optimizer: { enabled: true, runs: 200 } };

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings }],
    overrides: {
      "contracts/InvoiceLedger.sol": { version: SOLC_VERSION, settings: ledgerSettings },
      "contracts/test/InvoiceLedgerV2.sol": { version: SOLC_VERSION, settings: ledgerSettings },
    },
  },
  networks: {
    // HARDHAT_ZERO_FEES=1: `hardhat node` as the benchmarks' comparison chain, where (as on the ledger node)
    // gas is metered but not charged, so the API's unfunded party accounts can send.
    hardhat: { hardfork: "cancun", ...(process.env.HARDHAT_ZERO_FEES === "1" ? { initialBaseFeePerGas: 0 } : {}) },
    // The embedded ledger node (`npm start`), or any node of a consortium: `npx hardhat <task> --network ledger`.
    ledger: {
      url: process.env.LEDGER_RPC_URL ?? "http://127.0.0.1:8545",
      // The ledger's fixed gas price is zero (gas is metered, not charged); accounts hold no ether.
      gasPrice: 0,
      accounts: process.env.LEDGER_ACCOUNT_KEY ? [process.env.LEDGER_ACCOUNT_KEY] : [],
      ...(process.env.LEDGER_RPC_TOKEN ? { httpHeaders: { authorization: `Bearer ${process.env.LEDGER_RPC_TOKEN}` } } : {}),
    },
  },
  paths: {
    sources: "./contracts",
    tests: "./test",
    cache: "./cache",
    artifacts: "./artifacts",
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: false },
  mocha: { timeout: 120_000 },
};

export default config;
