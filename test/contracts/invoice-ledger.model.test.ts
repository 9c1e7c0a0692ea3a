import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { BaseWallet, ContractTransactionResponse } from "ethers";
import fc from "fast-check";
import { ethers } from "hardhat";

import { prepareInvoice, prepareReversal, signClaim } from "./helpers/documents";
import { deployLedgerFixture, TAXPAYER_IDS } from "./helpers/fixture";
import { propertyRuns } from "./helpers/property-runs";
import { LifecycleModel, PARTIES, State, type Outcome, type Party } from "./model/lifecycle-model";

const QUOTA = 20_000n;

/** `natural` lets the test pick the party that would normally make the step, so that runs get deep into the lifecycle. */
const actor = fc.oneof({ weight: 3, arbitrary: fc.constant("natural" as const) }, { weight: 2, arbitrary: fc.constantFrom(...PARTIES) });
/** Mostly one of the last few invoices (or credit notes), so that successive steps meet the same invoice. */
const index = fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 2 }) }, { weight: 1, arbitrary: fc.nat({ max: 50 }) });
const recent = (i: number, length: number) => length - 1 - (i % length);
const issue = fc.record({
  kind: fc.constant("issue" as const),
  actor,
  requestKey: fc.nat({ max: 6 }),
  buyer: fc.constantFrom(undefined, "enterpriseA" as const, "enterpriseB" as const),
  total: fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 8, arbitrary: fc.bigInt({ min: 1n, max: 3_000n }) }),
  tax: fc.bigInt({ min: 0n, max: 400n }),
});
const operation = fc.oneof(
  { weight: 3, arbitrary: issue },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("claim" as const), actor, i: index, forged: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("transfer" as const), actor, i: index, to: fc.constantFrom(...PARTIES) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("submit" as const), actor, i: index, enterprise: fc.constantFrom<Party | "natural">("natural", "natural", "enterpriseA", "enterpriseB", "employee2", "merchantA") }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom("reject" as const, "reimburse" as const, "reimburse" as const, "file" as const), actor, i: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("reverse" as const), actor, i: index, part: fc.constantFrom("full", "half", "tiny", "excess", "zero") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("confirm" as const, "cancel" as const), actor, n: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("freeze" as const, "unfreeze" as const), actor, i: index }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("advance" as const), i: index }) },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

describe("InvoiceLedger against a model of the lifecycle", () => {
  it("agrees with the model on every outcome and every invoice, for random operations by random parties", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(issue, { minLength: 2, maxLength: 4 }), fc.array(operation, { minLength: 10, maxLength: 40, size: "max" }), async (first, rest) => {
        const operations = [...first, ...rest];
        const f = await loadFixture(deployLedgerFixture);
        await f.ledger.connect(f.officer).setQuota(f.merchantA.address, f.period, QUOTA);
        await f.ledger.connect(f.officer).setQuota(f.merchantB.address, f.period, QUOTA);
        const signers: Record<Party, typeof f.officer> = {
          merchantA: f.merchantA, merchantB: f.merchantB, enterpriseA: f.enterpriseA, enterpriseB: f.enterpriseB,
          employee1: f.employee1, employee2: f.employee2, officer: f.officer, stranger: f.stranger,
        };
        const model = new LifecycleModel(QUOTA);
        const chainInvoices: { id: string; commitment: string; claimKey: BaseWallet }[] = [];
        const chainNotes: string[] = [];

        async function outcomeOf(send: () => Promise<ContractTransactionResponse>): Promise<Outcome> {
          try {
            await (await send()).wait();
            return { ok: true };
          } catch (error) {
            const data = (error as { data?: string }).data;
            const parsed = data === undefined ? null : f.ledger.interface.parseError(data);
            if (parsed === null) throw error;
            return { ok: false, error: parsed.name };
          }
        }

        /** The step a well-behaved party would take next with the invoice, by that party. */
        function advance(i: number): Exclude<Operation, { kind: "advance" }> | undefined {
          if (model.invoices.length === 0) return undefined;
          const inv = model.invoices[recent(i, model.invoices.length)]!;
          switch (inv.state) {
            case State.Issued:
              return inv.holder === undefined
                ? { kind: "claim", actor: i % 2 === 0 ? "employee1" : "employee2", i, forged: false }
                : { kind: "submit", actor: inv.holder, i, enterprise: inv.buyer ?? (i % 2 === 0 ? "enterpriseA" : "enterpriseB") };
            case State.Locked:
              return { kind: "reimburse", actor: inv.enterprise!, i };
            case State.Reimbursed:
              return { kind: "file", actor: inv.enterprise!, i };
            case State.Filed:
              return { kind: "reverse", actor: inv.seller, i, part: "half" };
            default:
              return { kind: "unfreeze", actor: "officer", i };
          }
        }

        async function step(requested: Operation): Promise<[Outcome, Outcome] | undefined> {
          const op = requested.kind === "advance" ? advance(requested.i) : requested;
          if (op === undefined) return undefined;
          const pick = (natural: Party | undefined): Party => (op.actor === "natural" ? (natural ?? "stranger") : op.actor);
          if (op.kind === "issue") {
            const who = pick(op.requestKey % 2 === 0 ? "merchantA" : "merchantB");
            const prepared = prepareInvoice({ requestId: ethers.id(`request-${op.requestKey}`), total: op.total, tax: op.tax, ...(op.buyer ? { buyerTaxId: TAXPAYER_IDS[op.buyer] } : {}) });
            const expected = model.issue(who, String(op.requestKey), op.buyer, op.total, op.tax);
            const actual = await outcomeOf(() => f.ledger.connect(signers[who]).issue(prepared.request));
            if (actual.ok) chainInvoices.push({ id: await f.ledger.invoiceIdOf(signers[who].address, prepared.request.requestId), commitment: prepared.commitment, claimKey: prepared.claimKey });
            return [expected, actual];
          }
          if ("n" in op) {
            if (model.notes.length === 0) return undefined;
            const n = recent(op.n, model.notes.length);
            const inv = model.invoices[model.notes[n]!.invoice]!;
            const who = pick(op.kind === "cancel" && op.n % 2 === 0 ? inv.seller : inv.enterprise);
            const expected = op.kind === "confirm" ? model.confirm(who, n) : model.cancel(who, n);
            const actual = await outcomeOf(() => f.ledger.connect(signers[who])[op.kind === "confirm" ? "confirmReversal" : "cancelReversal"](chainNotes[n]!));
            return [expected, actual];
          }
          if (model.invoices.length === 0) return undefined;
          const i = recent(op.i, model.invoices.length);
          const inv = model.invoices[i]!;
          const { id } = chainInvoices[i]!;
          switch (op.kind) {
            case "claim": {
              const who = pick(op.i % 2 === 0 ? "employee1" : "employee2");
              const key = op.forged ? ethers.Wallet.createRandom() : chainInvoices[i]!.claimKey;
              const signature = await signClaim(f.ledger, id, signers[who].address, key);
              return [model.claim(who, i, op.forged), await outcomeOf(() => f.ledger.connect(signers[who]).claim(id, chainInvoices[i]!.commitment, signature))];
            }
            case "transfer": {
              const who = pick(inv.holder);
              return [model.transfer(who, i, op.to), await outcomeOf(() => f.ledger.connect(signers[who]).transfer(id, signers[op.to].address))];
            }
            case "submit": {
              const who = pick(inv.holder);
              const to = op.enterprise === "natural" ? (inv.buyer ?? "enterpriseB") : op.enterprise;
              return [model.submit(who, i, to), await outcomeOf(() => f.ledger.connect(signers[who]).submit(id, signers[to].address))];
            }
            case "reject":
            case "reimburse":
            case "file": {
              const who = pick(inv.enterprise);
              const send = op.kind === "reject" ? () => f.ledger.connect(signers[who]).reject(id, ethers.ZeroHash)
                : op.kind === "reimburse" ? () => f.ledger.connect(signers[who]).reimburse(id)
                : () => f.ledger.connect(signers[who]).file(id, f.period);
              return [model.enterpriseStep(who, i, op.kind), await outcomeOf(send)];
            }
            case "reverse": {
              const who = pick(inv.seller);
              const remainingTotal = inv.total - inv.reversedTotal;
              const remainingTax = inv.tax - inv.reversedTax;
              const [total, tax] = {
                full: [remainingTotal, remainingTax], half: [remainingTotal / 2n, remainingTax / 2n], tiny: [1n, 0n],
                excess: [remainingTotal + 1n, remainingTax], zero: [0n, 0n],
              }[op.part] as [bigint, bigint];
              const request = prepareReversal({ total, tax });
              const expected = model.reverse(who, i, total, tax);
              const actual = await outcomeOf(() => f.ledger.connect(signers[who]).reverse(id, request));
              if (actual.ok) chainNotes.push(await f.ledger.creditNoteIdOf(signers[who].address, request.requestId));
              return [expected, actual];
            }
            case "freeze": {
              const who = pick("officer");
              return [model.freeze(who, i), await outcomeOf(() => f.ledger.connect(signers[who]).freeze(id, ethers.ZeroHash))];
            }
            case "unfreeze": {
              const who = pick("officer");
              return [model.unfreeze(who, i), await outcomeOf(() => f.ledger.connect(signers[who]).unfreeze(id))];
            }
          }
        }

        for (const [n, op] of operations.entries()) {
          const outcomes = await step(op);
          if (outcomes === undefined) continue;
          expect(outcomes[1], `operation ${n}: ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`).to.deep.equal(outcomes[0]);
        }
        for (const [i, inv] of model.invoices.entries()) {
          const stored = await f.ledger.invoice(chainInvoices[i]!.id);
          const address = (p: Party | undefined) => (p === undefined ? ethers.ZeroAddress : signers[p].address);
          expect({
            state: State[Number(stored.state)], frozenFrom: State[Number(stored.frozenFrom)], holder: stored.holder, enterprise: stored.enterprise,
            reversedTotal: stored.reversedTotal, reversedTax: stored.reversedTax, reversalPending: stored.reversalPending,
          }, `invoice ${i}`).to.deep.equal({
            state: State[inv.state], frozenFrom: State[inv.frozenFrom], holder: address(inv.holder), enterprise: address(inv.enterprise),
            reversedTotal: inv.reversedTotal, reversedTax: inv.reversedTax, reversalPending: inv.reversalPending,
          });
        }
        for (const merchant of ["merchantA", "merchantB"] as const) {
          expect((await f.ledger.quotaOf(signers[merchant].address, f.period))[1], `quota of ${merchant}`).to.equal(model.quotaUsed.get(merchant));
        }
      }),
      propertyRuns(25),
    );
  });
});
