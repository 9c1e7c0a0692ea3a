/**
 * A small, deliberately naive model of the invoice lifecycle (DESIGN.md section 2) that the property-based
 * test runs side by side with the contracts. It predicts, for every operation, either the new state or the
 * name of the custom error the ledger must give, checking in the same order as the contract.
 */
export type Party = "merchantA" | "merchantB" | "enterpriseA" | "enterpriseB" | "employee1" | "employee2" | "officer" | "stranger";
export const PARTIES: readonly Party[] = ["merchantA", "merchantB", "enterpriseA", "enterpriseB", "employee1", "employee2", "officer", "stranger"];

export enum State { None, Issued, Locked, Reimbursed, Filed, Reversed, Frozen }

export interface ModelInvoice {
  seller: Party;
  buyer: Party | undefined;
  total: bigint;
  tax: bigint;
  state: State;
  frozenFrom: State;
  holder: Party | undefined;
  enterprise: Party | undefined;
  reversedTotal: bigint;
  reversedTax: bigint;
  reversalPending: boolean;
}

export interface ModelNote { invoice: number; total: bigint; tax: bigint; status: "Pending" | "Effective" | "Cancelled" }

export type Outcome = { ok: true } | { ok: false; error: string };
const ok: Outcome = { ok: true };
const fail = (error: string): Outcome => ({ ok: false, error });

const isMerchant = (p: Party) => p === "merchantA" || p === "merchantB";
const isEnterprise = (p: Party) => p === "enterpriseA" || p === "enterpriseB";
const isIndividual = (p: Party) => p === "employee1" || p === "employee2";
const canHold = (p: Party) => isIndividual(p) || isEnterprise(p);

const TRANSITIONS = new Set<string>([
  [State.Issued, State.Locked], [State.Locked, State.Issued], [State.Locked, State.Reimbursed], [State.Reimbursed, State.Filed],
  [State.Issued, State.Reversed], [State.Locked, State.Reversed], [State.Reimbursed, State.Reversed], [State.Filed, State.Reversed],
  [State.Issued, State.Frozen], [State.Locked, State.Frozen], [State.Reimbursed, State.Frozen], [State.Filed, State.Frozen], [State.Reversed, State.Frozen],
].map(([a, b]) => `${a}>${b}`));

export class LifecycleModel {
  readonly invoices: ModelInvoice[] = [];
  readonly notes: ModelNote[] = [];
  readonly requestIds = new Map<string, number>();
  readonly quotaUsed = new Map<Party, bigint>([["merchantA", 0n], ["merchantB", 0n]]);

  constructor(readonly quota: bigint) {}

  issue(actor: Party, requestKey: string, buyer: Party | undefined, total: bigint, tax: bigint): Outcome {
    if (!isMerchant(actor)) return fail("InvoiceLedgerUnauthorized");
    if (total === 0n || tax > total) return fail("InvoiceLedgerInvalidAmount");
    if (this.requestIds.has(`${actor}/${requestKey}`)) return fail("InvoiceLedgerDuplicateRequest");
    const used = this.quotaUsed.get(actor) ?? 0n;
    if (used + total > this.quota) return fail("InvoiceLedgerQuotaExceeded");
    this.quotaUsed.set(actor, used + total);
    this.requestIds.set(`${actor}/${requestKey}`, this.invoices.length);
    this.invoices.push({
      seller: actor, buyer, total, tax, state: State.Issued, frozenFrom: State.None, holder: undefined, enterprise: undefined,
      reversedTotal: 0n, reversedTax: 0n, reversalPending: false,
    });
    return ok;
  }

  claim(actor: Party, i: number, forged: boolean): Outcome {
    if (!canHold(actor)) return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[i]!;
    if (inv.state !== State.Issued) return fail("InvoiceLedgerInvalidTransition");
    if (inv.holder !== undefined) return fail("InvoiceLedgerAlreadyClaimed");
    if (forged) return fail("InvoiceLedgerInvalidClaim");
    inv.holder = actor;
    return ok;
  }

  transfer(actor: Party, i: number, to: Party): Outcome {
    if (!canHold(actor)) return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[i]!;
    if (inv.state !== State.Issued) return fail("InvoiceLedgerInvalidTransition");
    if (inv.holder !== actor) return fail("InvoiceLedgerNotParty");
    if (to === actor || !canHold(to)) return fail("InvoiceLedgerInvalidRecipient");
    inv.holder = to;
    return ok;
  }

  submit(actor: Party, i: number, enterprise: Party): Outcome {
    if (!canHold(actor)) return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[i]!;
    if (inv.holder !== actor) return fail("InvoiceLedgerNotParty");
    if (!isEnterprise(enterprise)) return fail("InvoiceLedgerInvalidRecipient");
    if (inv.buyer !== undefined && inv.buyer !== enterprise) return fail("InvoiceLedgerBuyerMismatch");
    const moved = this.move(inv, State.Locked);
    if (moved.ok) inv.enterprise = enterprise;
    return moved;
  }

  enterpriseStep(actor: Party, i: number, step: "reject" | "reimburse" | "file"): Outcome {
    if (!isEnterprise(actor)) return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[i]!;
    if (inv.enterprise !== actor) return fail("InvoiceLedgerNotParty");
    const to = { reject: State.Issued, reimburse: State.Reimbursed, file: State.Filed }[step];
    const moved = this.move(inv, to);
    if (moved.ok && step === "reject") inv.enterprise = undefined;
    return moved;
  }

  reverse(actor: Party, i: number, total: bigint, tax: bigint): Outcome {
    if (!isMerchant(actor)) return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[i]!;
    if (inv.seller !== actor) return fail("InvoiceLedgerNotParty");
    if (inv.reversalPending) return fail("InvoiceLedgerReversalPending");
    const immediate = inv.state === State.Issued || inv.state === State.Locked;
    const pending = inv.state === State.Reimbursed || inv.state === State.Filed;
    if (!immediate && !pending) return fail("InvoiceLedgerInvalidTransition");
    const remainingTotal = inv.total - inv.reversedTotal;
    const remainingTax = inv.tax - inv.reversedTax;
    if (total === 0n || tax > total) return fail("InvoiceLedgerInvalidAmount");
    if (total > remainingTotal || tax > remainingTax || remainingTax - tax > remainingTotal - total) {
      return fail("InvoiceLedgerReversalExceedsRemaining");
    }
    const note: ModelNote = { invoice: i, total, tax, status: "Pending" };
    this.notes.push(note);
    if (immediate) this.apply(note);
    else inv.reversalPending = true;
    return ok;
  }

  confirm(actor: Party, n: number): Outcome {
    const note = this.notes[n]!;
    if (note.status !== "Pending") return fail("InvoiceLedgerCreditNoteNotPending");
    if (!isEnterprise(actor)) return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[note.invoice]!;
    if (inv.enterprise !== actor) return fail("InvoiceLedgerNotParty");
    if (inv.state !== State.Reimbursed && inv.state !== State.Filed) return fail("InvoiceLedgerInvalidTransition");
    inv.reversalPending = false;
    this.apply(note);
    return ok;
  }

  cancel(actor: Party, n: number): Outcome {
    const note = this.notes[n]!;
    if (note.status !== "Pending") return fail("InvoiceLedgerCreditNoteNotPending");
    const inv = this.invoices[note.invoice]!;
    const isSeller = isMerchant(actor) && inv.seller === actor;
    const isItsEnterprise = isEnterprise(actor) && inv.enterprise === actor;
    if (!isSeller && !isItsEnterprise) return fail("InvoiceLedgerNotParty");
    note.status = "Cancelled";
    inv.reversalPending = false;
    return ok;
  }

  freeze(actor: Party, i: number): Outcome {
    if (actor !== "officer") return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[i]!;
    const from = inv.state;
    const moved = this.move(inv, State.Frozen);
    if (moved.ok) inv.frozenFrom = from;
    return moved;
  }

  unfreeze(actor: Party, i: number): Outcome {
    if (actor !== "officer") return fail("InvoiceLedgerUnauthorized");
    const inv = this.invoices[i]!;
    if (inv.state !== State.Frozen) return fail("InvoiceLedgerInvalidTransition");
    inv.state = inv.frozenFrom;
    inv.frozenFrom = State.None;
    return ok;
  }

  private move(inv: ModelInvoice, to: State): Outcome {
    if (!TRANSITIONS.has(`${inv.state}>${to}`)) return fail("InvoiceLedgerInvalidTransition");
    inv.state = to;
    return ok;
  }

  private apply(note: ModelNote): void {
    const inv = this.invoices[note.invoice]!;
    inv.reversedTotal += note.total;
    inv.reversedTax += note.tax;
    note.status = "Effective";
    const from = inv.state;
    if (inv.reversedTotal === inv.total) inv.state = State.Reversed;
    else if (from === State.Locked) inv.state = State.Issued;
    if (from === State.Locked) inv.enterprise = undefined;
    const used = this.quotaUsed.get(inv.seller) ?? 0n;
    this.quotaUsed.set(inv.seller, used > note.total ? used - note.total : 0n);
  }
}
