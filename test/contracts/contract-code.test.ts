import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { loadContractArtifact } from "../../lib/contract-artifacts";
import { checkContractCode, describeContractCode, isBuildCode, type ContractCodeReport, type DeployedAddresses } from "../../lib/contract-code";
import { deployLedgerFixture, UPGRADE_DELAY } from "./helpers/fixture";

/**
 * The start check of the node and the API (lib/contract-code.ts) against contracts on Hardhat's chain, read with
 * standard JSON-RPC only, compared with this build's contract-artifacts/ (written by the compile this test ran).
 */
describe("the start check: the contracts on chain against this build", () => {
  async function deployed() {
    const f = await deployLedgerFixture();
    const deployment: DeployedAddresses = { forwarder: await f.forwarder.getAddress(), registry: await f.registry.getAddress(), ledger: await f.ledger.getAddress() };
    return { ...f, deployment };
  }
  const statuses = (report: ContractCodeReport) => report.contracts.map((c) => [c.contract, c.status]);

  it("finds a fresh deployment to be this build, each proxy with its implementation and upgrade delay", async () => {
    const f = await loadFixture(deployed);
    const report = await checkContractCode(ethers.provider, f.deployment, { now: () => 0 });
    expect(report.matches).to.equal(true);
    expect(statuses(report)).to.deep.equal([["LedgerForwarder", "match"], ["ParticipantRegistry", "match"], ["InvoiceLedger", "match"]]);
    expect(report.contracts.map((c) => c.implementation)).to.deep.equal([f.deployment.forwarder, await f.registryImplementation.getAddress(), await f.ledgerImplementation.getAddress()]);
    expect(report.contracts.map((c) => c.upgradeDelay)).to.deep.equal([null, Number(UPGRADE_DELAY), Number(UPGRADE_DELAY)]);
    expect(report.pendingUpgrades).to.deep.equal([]);
    expect(describeContractCode(report)).to.deep.equal([]);
  });

  it("reports a scheduled upgrade, whether it is this build's code, and when it becomes ready", async () => {
    const f = await loadFixture(deployed);
    const build = await ethers.deployContract("InvoiceLedger", [f.deployment.registry, f.deployment.forwarder]);
    await f.ledger.connect(f.bureau).scheduleUpgrade(await build.getAddress());
    const [, readyAt] = await f.ledger.pendingUpgrade();
    const early = await checkContractCode(ethers.provider, f.deployment, { now: () => Number(readyAt) - 1 });
    expect(early.matches).to.equal(true);
    expect(early.pendingUpgrades).to.deep.equal([{ contract: "InvoiceLedger", implementation: await build.getAddress(), readyAt: Number(readyAt), ready: false, matchesBuild: true }]);
    const ready = await checkContractCode(ethers.provider, f.deployment, { now: () => Number(readyAt) });
    expect(ready.pendingUpgrades[0]!.ready).to.equal(true);
    await f.ledger.connect(f.bureau).cancelUpgrade();
    const successor = await ethers.deployContract("InvoiceLedgerV2", [f.deployment.registry, f.deployment.forwarder]);
    await f.ledger.connect(f.bureau).scheduleUpgrade(await successor.getAddress());
    expect((await checkContractCode(ethers.provider, f.deployment)).pendingUpgrades[0]!.matchesBuild).to.equal(false);
  });

  it("finds an upgraded ledger to be other code, and says which implementation runs", async () => {
    const f = await loadFixture(deployed);
    const successor = await ethers.deployContract("InvoiceLedgerV2", [f.deployment.registry, f.deployment.forwarder]);
    await f.ledger.connect(f.bureau).scheduleUpgrade(await successor.getAddress());
    await time.increase(UPGRADE_DELAY);
    await f.ledger.connect(f.bureau).upgradeToAndCall(await successor.getAddress(), "0x");
    const report = await checkContractCode(ethers.provider, f.deployment);
    expect(report.matches).to.equal(false);
    expect(statuses(report)).to.deep.equal([["LedgerForwarder", "match"], ["ParticipantRegistry", "match"], ["InvoiceLedger", "differs"]]);
    expect(report.contracts[2]!.implementation).to.equal(await successor.getAddress());
    expect(describeContractCode(report)).to.have.length(1);
  });

  it("catches an implementation of this build's code built for another registry, which masking immutables would hide", async () => {
    const f = await loadFixture(deployed);
    const miswired = await ethers.deployContract("InvoiceLedger", [f.stranger.address, f.deployment.forwarder]);
    expect(isBuildCode(loadContractArtifact("InvoiceLedger"), await ethers.provider.getCode(await miswired.getAddress()))).to.equal(true);
    await f.ledger.connect(f.bureau).scheduleUpgrade(await miswired.getAddress());
    await time.increase(UPGRADE_DELAY);
    await f.ledger.connect(f.bureau).upgradeToAndCall(await miswired.getAddress(), "0x");
    const report = await checkContractCode(ethers.provider, f.deployment);
    expect(statuses(report)[2]).to.deep.equal(["InvoiceLedger", "differs"]);
    expect(report.contracts[2]!.reason).to.include("registry");
  });

  it("tells a deployment from before proxies, an address without code, and a forwarder of other code", async () => {
    const f = await loadFixture(deployed);
    // A plain contract where the ledger should be: what chains deployed before the contracts were upgradeable hold.
    const plain = await ethers.deployContract("LibraryHarness");
    const report = await checkContractCode(ethers.provider, { forwarder: f.deployment.registry, registry: f.stranger.address, ledger: await plain.getAddress() });
    expect(report.matches).to.equal(false);
    expect(statuses(report)).to.deep.equal([["LedgerForwarder", "differs"], ["ParticipantRegistry", "missing"], ["InvoiceLedger", "pre-proxy"]]);
    expect(report.contracts.map((c) => c.implementation)).to.deep.equal([f.deployment.registry, null, await plain.getAddress()]);
    expect(describeContractCode(report)).to.have.length(3);
  });

  it("compares code with the immutables masked and without the metadata, and nothing else", async () => {
    const artifact = loadContractArtifact("InvoiceLedger");
    const f = await loadFixture(deployed);
    const code = await ethers.provider.getCode(await f.ledgerImplementation.getAddress());
    expect(isBuildCode(artifact, code)).to.equal(true);
    const bytes = ethers.getBytes(code);
    // One byte of the executable part changed, or the code cut short: other code.
    const changed = Uint8Array.from(bytes);
    changed[100] = changed[100]! ^ 1;
    expect(isBuildCode(artifact, ethers.hexlify(changed))).to.equal(false);
    expect(isBuildCode(artifact, ethers.hexlify(bytes.slice(0, -1)))).to.equal(false);
    expect(isBuildCode(artifact, "0x")).to.equal(false);
    // A byte of the metadata (its hash changes with a comment): the same code.
    const metadata = Uint8Array.from(bytes);
    metadata[bytes.length - 10] = metadata[bytes.length - 10]! ^ 1;
    expect(isBuildCode(artifact, ethers.hexlify(metadata))).to.equal(true);
  });
});
