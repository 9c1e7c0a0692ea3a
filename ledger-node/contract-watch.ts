import { FetchRequest, JsonRpcProvider } from "ethers";
import type { Logger } from "pino";

import { checkContractCode, describeContractCode, type ContractCodeReport } from "../lib/contract-code";
import type { Deployment } from "./store/chain-store";

/** What /health says of the contracts: their addresses and whether they are this build's (lib/contract-code.ts). */
export interface ContractsHealth {
  forwarder: string;
  registry: string;
  ledger: string;
  /** Whether every contract runs this build's code; null until a check succeeded. */
  matchesBuild: boolean | null;
  /** The block the check read. */
  checkedAtBlock: number | null;
  contracts: ContractCodeReport["contracts"];
  pendingUpgrades: ContractCodeReport["pendingUpgrades"];
  /** Why the check could not be made (e.g. the build's contract artifacts are missing). */
  error?: string;
}

/**
 * The node's view of its contracts against the build it runs: checked at start (a warning when they differ) and
 * again for /health whenever the chain has a new head, since only a block can change code or a schedule.
 *
 * The node reports a mismatch but never refuses to serve because of it: the way out of a mismatch is an upgrade,
 * whose transactions (deploy, schedule, and execute after the delay) reach the chain only through a node that
 * serves. The API, which would call functions the chain's code lacks, is the one that refuses (api/start-refusal.ts).
 */
export class ContractWatch {
  private readonly provider: JsonRpcProvider;
  private checked: { head: number; health: ContractsHealth } | undefined;
  private inFlight: Promise<ContractsHealth> | undefined;

  constructor(
    private readonly deployment: Deployment,
    nodeUrl: string,
    adminToken: string,
    chainId: number,
    private readonly logger: Logger,
  ) {
    // Through the node's own JSON-RPC, as any client reads it (the admin token passes a read token, if one is set).
    const request = new FetchRequest(nodeUrl);
    request.setHeader("authorization", `Bearer ${adminToken}`);
    this.provider = new JsonRpcProvider(request, chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  }

  /** Checks once and logs the outcome: a warning line when the contracts are not this build's. */
  async start(head: number): Promise<void> {
    const health = await this.at(head);
    this.log(health, undefined);
  }

  /** The check for the chain at `head`, made again only when the head moved since the last one. */
  async at(head: number): Promise<ContractsHealth> {
    if (this.checked !== undefined && this.checked.head === head) return this.checked.health;
    this.inFlight ??= this.check(head).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  stop(): void {
    this.provider.destroy();
  }

  private async check(head: number): Promise<ContractsHealth> {
    const { forwarder, registry, ledger } = this.deployment;
    let health: ContractsHealth;
    try {
      const report = await checkContractCode(this.provider, this.deployment);
      health = { forwarder, registry, ledger, matchesBuild: report.matches, checkedAtBlock: head, contracts: report.contracts, pendingUpgrades: report.pendingUpgrades };
    } catch (error) {
      health = { forwarder, registry, ledger, matchesBuild: null, checkedAtBlock: null, contracts: [], pendingUpgrades: [], error: error instanceof Error ? error.message : String(error) };
    }
    const previous = this.checked?.health;
    this.checked = { head, health };
    if (previous !== undefined && previous.matchesBuild !== health.matchesBuild) this.log(health, previous);
    return health;
  }

  private log(health: ContractsHealth, previous: ContractsHealth | undefined): void {
    const fields = { contracts: health.contracts, pendingUpgrades: health.pendingUpgrades };
    if (health.matchesBuild === null) {
      this.logger.error({ err: health.error }, "could not compare the contracts on chain with this build");
    } else if (health.matchesBuild) {
      this.logger.info(fields, previous === undefined ? "the contracts on chain are this build's" : "the contracts on chain are this build's now");
    } else {
      const report: ContractCodeReport = { matches: false, contracts: health.contracts, pendingUpgrades: health.pendingUpgrades, checkedAt: 0 };
      this.logger.warn(
        { ...fields, code: "CONTRACTS_MISMATCH" },
        `the contracts on chain are not this build's (${describeContractCode(report).join("; ")}): the API of this build refuses to start until the bureau upgrades them (npm run upgrade -- schedule, then npm run upgrade -- execute after the delay); this node serves on so that the upgrade can reach the chain`,
      );
    }
  }
}
