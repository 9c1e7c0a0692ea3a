import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";

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

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 10_000 },
      viaIR: false,
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
