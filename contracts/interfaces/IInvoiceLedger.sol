// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDelayedUpgrades} from "./IDelayedUpgrades.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";
import {InvoiceId, CreditNoteId} from "../types/Ids.sol";

/// @title The e-invoice ledger: every invoice's life on chain
/// @notice Merchants issue invoices within a per-period quota, individuals claim them with the code
/// printed on the invoice and submit them to one enterprise for reimbursement, enterprises reimburse
/// and file them, merchants reverse them with red-letter credit notes, and the tax bureau freezes
/// suspicious invoices and can pause all writes. An invoice reimbursed once can never be reimbursed
/// again, here or at another enterprise: it is one record with one state.
/// @dev Every actor is `_msgSender()`, so requests that a party signed itself and that were relayed
/// through the trusted ERC-2771 forwarder are recorded as that party's own acts.
///
/// On chain there is no document and no personal data, only:
/// - `seal` = the first 24 bytes of keccak256(abi.encode(commitment, claimKey)), where
///   `commitment` = keccak256(salt || canonical document bytes) and `claimKey` is the address of the
///   key pair whose private key is printed on the invoice as its claim code;
/// - the buyer's organisation taxpayer ID (public) or zero for an individual buyer;
/// - amounts in fen, the state, the holder and enterprise accounts, the filing period.
/// The check code printed on the invoice is {checkCodeOf}(seal).
///
/// Stranded invoices. Every step of an invoice's life is taken by one party of it (seller, holder, locking
/// enterprise); when that party is suspended or revoked the invoice could not move again but for a freeze.
/// The ways out, each recorded with its own event and actor:
/// - the bureau {release}s a `Locked` invoice whose locking enterprise is not active back to `Issued` (to its
///   holder), and {reassign}s an `Issued` invoice whose holder is not active to an active individual or
///   enterprise;
/// - an organisation's successor, i.e. the active account registered later under the taxpayer ID of a revoked
///   account with the same role, acts for it: the successor of a merchant reverses its predecessor's invoices
///   and withdraws their pending credit notes; the successor of an enterprise rejects, reimburses and files
///   what its predecessor locked, and confirms or declines their pending credit notes;
/// - the bureau confirms a pending credit note whose confirming enterprise is not active, and cancels a
///   pending credit note whose seller is not active.
/// A suspended party is not replaced: the bureau's steps apply to it as to a revoked one, a successor only
/// follows a revoked account (which is what frees the taxpayer ID).
///
/// Upgrades. The ledger lives behind an ERC-1967 proxy, whose address is the ledger's for good; its code is
/// replaced only as {IDelayedUpgrades} says (scheduled by the bureau's default admin, executable after the upgrade
/// delay), and every invoice, number and event stays where it is.
interface IInvoiceLedger is IDelayedUpgrades {
    /// @notice Lifecycle of an invoice (see DESIGN.md section 2). Claimed or not, an unlocked
    /// invoice is `Issued`; who holds it is recorded separately.
    enum State {
        None,
        Issued,
        Locked,
        Reimbursed,
        Filed,
        Reversed,
        Frozen
    }

    /// @notice Why a red-letter credit note was issued.
    enum ReversalReason {
        IssueError,
        SalesReturn,
        ServiceStopped,
        Discount
    }

    /// @notice A credit note is `Pending` while it waits for the buyer enterprise's confirmation
    /// (reversal of a reimbursed or filed invoice), then `Effective` or `Cancelled`.
    enum CreditNoteStatus {
        None,
        Pending,
        Effective,
        Cancelled
    }

    /// @notice One invoice to issue.
    struct IssueRequest {
        /// @dev The merchant's own unique reference (e.g. its order number, hashed); one request, one invoice.
        bytes32 requestId;
        /// @dev See the contract documentation; non-zero.
        bytes24 seal;
        /// @dev Buyer organisation's unified social credit code, or zero when the buyer is an individual.
        bytes18 buyerTaxId;
        /// @dev Amount including tax (价税合计), in fen; non-zero.
        uint48 total;
        /// @dev Tax included in `total`, in fen.
        uint40 tax;
    }

    /// @notice One red-letter credit note to issue against an invoice.
    struct ReversalRequest {
        bytes32 requestId;
        /// @dev Seal of the credit-note document, derived as for an invoice.
        bytes24 seal;
        /// @dev Amount reversed, including tax, in fen; at most what is not yet reversed.
        uint48 total;
        /// @dev Tax reversed, in fen.
        uint40 tax;
        ReversalReason reason;
    }

    /// @notice Everything the ledger holds about one invoice.
    struct Invoice {
        InvoiceId id;
        uint40 number;
        address seller;
        bytes18 buyerTaxId;
        bytes24 seal;
        uint48 total;
        uint40 tax;
        State state;
        /// @dev While `Frozen`, the state it returns to when unfrozen.
        State frozenFrom;
        /// @dev Zero until claimed.
        address holder;
        /// @dev The enterprise that locked (and then reimbursed and filed) it; zero when not locked.
        address enterprise;
        /// @dev Tax period (YYYYMM) it was filed in; zero until filed.
        uint24 filedPeriod;
        uint48 reversedTotal;
        uint40 reversedTax;
        bool reversalPending;
    }

    /// @notice A red-letter credit note.
    struct CreditNote {
        InvoiceId invoice;
        uint40 number;
        uint48 total;
        uint40 tax;
        ReversalReason reason;
        CreditNoteStatus status;
        bytes24 seal;
    }

    /// @notice The caller does not have the role (or is not active) that the operation needs.
    error InvoiceLedgerUnauthorized(address caller);
    /// @notice No invoice has this id.
    error InvoiceLedgerUnknownInvoice(InvoiceId id);
    /// @notice The caller is not the party of this invoice that may perform the operation
    /// (not its seller, holder or locking enterprise).
    error InvoiceLedgerNotParty(InvoiceId id, address caller);
    /// @notice The lifecycle does not allow moving this invoice from `from` to `to`.
    error InvoiceLedgerInvalidTransition(InvoiceId id, State from, State to);
    /// @notice The merchant already used this request id; `number` is the invoice it created.
    error InvoiceLedgerDuplicateRequest(address seller, bytes32 requestId, uint40 number);
    /// @notice The issuance would exceed the merchant's quota for the period.
    error InvoiceLedgerQuotaExceeded(address merchant, uint24 period, uint256 requested, uint256 available);
    /// @notice An amount is zero, or tax exceeds the total.
    error InvoiceLedgerInvalidAmount(uint256 total, uint256 tax);
    /// @notice A required id or seal is zero.
    error InvoiceLedgerMissingField(bytes32 requestId);
    /// @notice A batch holds no request.
    error InvoiceLedgerEmptyBatch();
    /// @notice The enterprise is not the buyer named on the invoice (the buyer title check).
    error InvoiceLedgerBuyerMismatch(InvoiceId id, bytes18 buyerTaxId, bytes18 enterpriseTaxId);
    /// @notice The invoice already has a holder.
    error InvoiceLedgerAlreadyClaimed(InvoiceId id, address holder);
    /// @notice The claim proof (commitment and claim-key signature) does not match the invoice's seal.
    error InvoiceLedgerInvalidClaim(InvoiceId id);
    /// @notice The recipient of a transfer is not an active individual or enterprise, or is the holder.
    error InvoiceLedgerInvalidRecipient(InvoiceId id, address to);
    /// @notice A tax period is not a valid YYYYMM, or lies in the future.
    error InvoiceLedgerInvalidPeriod(uint24 period);
    /// @notice A reversal asks for more than what is not yet reversed.
    error InvoiceLedgerReversalExceedsRemaining(InvoiceId id, uint256 total, uint256 tax, uint256 remainingTotal, uint256 remainingTax);
    /// @notice Another reversal of this invoice is waiting for confirmation.
    error InvoiceLedgerReversalPending(InvoiceId id);
    /// @notice No credit note has this id.
    error InvoiceLedgerUnknownCreditNote(CreditNoteId id);
    /// @notice The invoice cannot be filed into `period`: a filing period lies between the invoice's issue
    /// period `earliest` and the current period `latest` (YYYYMM, both included).
    error InvoiceLedgerFilingPeriodOutOfRange(InvoiceId id, uint24 period, uint24 earliest, uint24 latest);
    /// @notice The bureau may not step in: `party`, the holder or locking enterprise the step would replace, is
    /// active (or there is none).
    error InvoiceLedgerPartyActive(InvoiceId id, address party);
    /// @notice The credit note is not pending.
    error InvoiceLedgerCreditNoteNotPending(CreditNoteId id, CreditNoteStatus status);

    /// @notice The bureau set a merchant's issuance quota for a tax period.
    event QuotaGranted(address indexed merchant, uint24 indexed period, uint64 granted, address indexed actor);
    /// @notice An invoice was issued by `seller` (the actor).
    event InvoiceIssued(
        InvoiceId indexed id,
        uint40 indexed number,
        address indexed seller,
        bytes18 buyerTaxId,
        bytes24 seal,
        uint48 total,
        uint40 tax
    );
    /// @notice `holder` (the actor) claimed the invoice with its claim code.
    event InvoiceClaimed(InvoiceId indexed id, address indexed holder);
    /// @notice The holder `from` (the actor) transferred the invoice to `to`.
    event InvoiceTransferred(InvoiceId indexed id, address indexed from, address indexed to);
    /// @notice The holder (the actor) submitted the invoice to `enterprise` for reimbursement; it is locked.
    event InvoiceSubmitted(InvoiceId indexed id, address indexed holder, address indexed enterprise);
    /// @notice `enterprise` (the actor) rejected the reimbursement claim; the invoice is unlocked.
    event InvoiceRejected(InvoiceId indexed id, address indexed enterprise, bytes32 reason);
    /// @notice `enterprise` (the actor) reimbursed the invoice; final for reimbursement.
    event InvoiceReimbursed(InvoiceId indexed id, address indexed enterprise);
    /// @notice `enterprise` (the actor) filed the invoice into its books for `period` (YYYYMM).
    event InvoiceFiled(InvoiceId indexed id, address indexed enterprise, uint24 period);
    /// @notice The seller (the actor) issued a red-letter credit note that waits for the enterprise's confirmation.
    event ReversalRequested(
        InvoiceId indexed id,
        CreditNoteId indexed creditNote,
        address indexed seller,
        uint40 number,
        bytes24 seal,
        uint48 total,
        uint40 tax,
        ReversalReason reason
    );
    /// @notice A credit note took effect: `total`/`tax` of the invoice are reversed. `actor` is the seller
    /// (immediate reversal) or the enterprise that confirmed; `state` is the invoice's state afterwards
    /// (`Reversed` when nothing remains; `Issued` when a pending lock was cancelled).
    event InvoiceReversed(
        InvoiceId indexed id,
        CreditNoteId indexed creditNote,
        address indexed actor,
        uint40 number,
        uint48 total,
        uint40 tax,
        ReversalReason reason,
        State state
    );
    /// @notice A pending credit note was withdrawn by the seller or declined by the enterprise (`actor`).
    event ReversalCancelled(InvoiceId indexed id, CreditNoteId indexed creditNote, address indexed actor);
    /// @notice The bureau (`actor`) froze the invoice, which was in state `from`.
    event InvoiceFrozen(InvoiceId indexed id, address indexed actor, State from, bytes32 reason);
    /// @notice The bureau (`actor`) unfroze the invoice, back to state `to`.
    event InvoiceUnfrozen(InvoiceId indexed id, address indexed actor, State to);
    /// @notice The bureau (`actor`) released an invoice locked by `enterprise`, which is not active; it is
    /// `Issued` again, with its holder.
    event InvoiceReleased(InvoiceId indexed id, address indexed enterprise, address indexed actor);
    /// @notice The bureau (`actor`) gave an invoice whose holder `from` is not active to `to`.
    event InvoiceReassigned(InvoiceId indexed id, address indexed from, address indexed to, address actor);

    /// @notice Initialises the ledger behind its proxy (once, in the proxy's deployment): numbering starts at 1.
    /// @param upgradeDelaySeconds delay (seconds) between scheduling an upgrade and executing it (see {IDelayedUpgrades})
    /// @dev Reverts with {Initializable-InvalidInitialization} when called again, or on the implementation itself.
    function initialize(uint48 upgradeDelaySeconds) external;

    /// @notice Sets `merchant`'s issuance quota (total incl. tax, fen) for tax period `period` (YYYYMM).
    /// @dev Bureau only. May be set below what is already used, which stops further issuance. Emits {QuotaGranted}.
    function setQuota(address merchant, uint24 period, uint64 granted) external;

    /// @notice Issues one invoice; the ledger assigns the next number.
    /// @dev Caller: an active merchant. Reverts with {InvoiceLedgerDuplicateRequest} when the request id was
    /// used before, and with {InvoiceLedgerQuotaExceeded} past the current period's quota. Emits {InvoiceIssued}.
    function issue(IssueRequest calldata request) external returns (InvoiceId id, uint40 number);

    /// @notice Issues a batch of invoices with consecutive numbers, all or nothing.
    /// @dev As {issue} for each request. Emits one {InvoiceIssued} per invoice.
    function issueBatch(IssueRequest[] calldata requests) external returns (uint40 firstNumber);

    /// @notice Claims an unclaimed invoice for the caller, an active individual or enterprise.
    /// @param commitment the document commitment behind the invoice's seal
    /// @param claimSignature the claim key's EIP-712 signature of `Claim(invoiceId, claimant)`; binding the
    /// claimant makes a claim seen in flight useless to anybody else
    /// @dev Requires state `Issued` and no holder. Emits {InvoiceClaimed}.
    function claim(InvoiceId id, bytes32 commitment, bytes calldata claimSignature) external;

    /// @notice The holder hands the invoice to another active individual or enterprise.
    /// @dev Requires state `Issued`. Emits {InvoiceTransferred}.
    function transfer(InvoiceId id, address to) external;

    /// @notice The holder submits the invoice to `enterprise` for reimbursement, which locks it.
    /// @dev `enterprise` must be active and, when the buyer is an organisation, be that buyer. `Issued` -> `Locked`.
    /// Emits {InvoiceSubmitted}.
    function submit(InvoiceId id, address enterprise) external;

    /// @notice The locking enterprise (or its successor) rejects the claim. `Locked` -> `Issued`.
    /// Emits {InvoiceRejected}.
    function reject(InvoiceId id, bytes32 reason) external;

    /// @notice The locking enterprise (or its successor) reimburses the invoice. `Locked` -> `Reimbursed`.
    /// Emits {InvoiceReimbursed}.
    function reimburse(InvoiceId id) external;

    /// @notice The reimbursing enterprise (or its successor) files the invoice for a tax period (YYYYMM).
    /// `Reimbursed` -> `Filed`. Emits {InvoiceFiled}.
    /// @dev `period` must lie between the period the invoice was issued in and the current period: reverts with
    /// {InvoiceLedgerInvalidPeriod} for a malformed or future period and with
    /// {InvoiceLedgerFilingPeriodOutOfRange} for one before the invoice was issued.
    function file(InvoiceId id, uint24 period) external;

    /// @notice The seller (or its successor) issues a red-letter credit note against the invoice, for all or
    /// part of what remains.
    /// @dev From `Issued` or `Locked` it takes effect at once (a pending lock is cancelled) and emits
    /// {InvoiceReversed}; from `Reimbursed` or `Filed` it waits for the enterprise's {confirmReversal} and emits
    /// {ReversalRequested}. A full reversal moves the invoice to `Reversed`. The reversed amount is given back to
    /// the quota of the current period of the merchant account that issued the invoice.
    function reverse(InvoiceId id, ReversalRequest calldata request)
        external
        returns (CreditNoteId creditNoteId, uint40 number);

    /// @notice The enterprise that reimbursed the invoice (or its successor) confirms a pending credit note; when
    /// that enterprise is not active the bureau may confirm it instead. Emits {InvoiceReversed}.
    function confirmReversal(CreditNoteId creditNote) external;

    /// @notice The seller (or its successor) withdraws, or the enterprise (or its successor) declines, a pending
    /// credit note; when the seller is not active the bureau may cancel it instead. Emits {ReversalCancelled}.
    function cancelReversal(CreditNoteId creditNote) external;

    /// @notice The bureau releases a `Locked` invoice whose locking enterprise is suspended or revoked: back to
    /// `Issued`, with its holder, who may submit it elsewhere. The enterprise is cleared.
    /// @dev Reverts with {InvoiceLedgerPartyActive} while the enterprise is active. Emits {InvoiceReleased}.
    function release(InvoiceId id) external;

    /// @notice The bureau gives an `Issued` invoice whose holder is suspended or revoked to `to`, an active
    /// individual or enterprise (e.g. the revoked enterprise's successor, or the employee's new account).
    /// @dev Reverts with {InvoiceLedgerPartyActive} while the holder is active or when the invoice is unclaimed
    /// (anyone with its claim code can claim it), and with {InvoiceLedgerInvalidRecipient} when `to` may not hold
    /// it. Emits {InvoiceReassigned}.
    function reassign(InvoiceId id, address to) external;

    /// @notice The bureau freezes an invoice in any state. Emits {InvoiceFrozen}.
    function freeze(InvoiceId id, bytes32 reason) external;

    /// @notice The bureau unfreezes an invoice back to the state it was frozen in. Emits {InvoiceUnfrozen}.
    function unfreeze(InvoiceId id) external;

    /// @notice The bureau stops all writes to the ledger. Emits {Pausable-Paused}.
    function pause() external;

    /// @notice The bureau resumes writes. Emits {Pausable-Unpaused}.
    function unpause() external;

    /// @notice The whole record of an invoice. Reverts with {InvoiceLedgerUnknownInvoice} when there is none.
    function invoice(InvoiceId id) external view returns (Invoice memory);

    /// @notice The state of an invoice (`None` when unknown).
    function stateOf(InvoiceId id) external view returns (State);

    /// @notice Verifies a printed invoice or credit note: whether `number`, `checkCode` and `total` (incl. tax,
    /// fen) belong together, and the current state. For an invoice `creditNoteStatus` is `None` and `state` is
    /// its state; for a credit note `creditNoteStatus` is its status and `state` that of the invoice it reverses.
    /// An unknown number or any mismatch gives `(false, None, None)`.
    function verify(uint40 number, uint64 checkCode, uint48 total)
        external
        view
        returns (bool authentic, State state, CreditNoteStatus creditNoteStatus);

    /// @notice The tax period (YYYYMM) an invoice was issued in, the earliest it can be filed into.
    /// Reverts with {InvoiceLedgerUnknownInvoice} when there is none.
    function issuePeriodOf(InvoiceId id) external view returns (uint24);

    /// @notice A credit note. Reverts with {InvoiceLedgerUnknownCreditNote} when there is none.
    function creditNote(CreditNoteId id) external view returns (CreditNote memory);

    /// @notice The merchant's quota and use for a tax period, in fen.
    function quotaOf(address merchant, uint24 period) external view returns (uint64 granted, uint64 used);

    /// @notice The tax period (YYYYMM, China Standard Time) of the current block.
    function currentPeriod() external view returns (uint24);

    /// @notice The participant registry this ledger trusts for every actor's role and status.
    function registry() external view returns (IParticipantRegistry);

    /// @notice The number the next invoice or credit note will get.
    function nextNumber() external view returns (uint40);

    /// @notice The EIP-712 digest that an invoice's claim key signs to let `claimant` claim it.
    function claimDigest(InvoiceId id, address claimant) external view returns (bytes32);

    /// @notice The id an invoice issued by `seller` for `requestId` has.
    function invoiceIdOf(address seller, bytes32 requestId) external pure returns (InvoiceId);

    /// @notice The id a credit note issued by `seller` for `requestId` has.
    function creditNoteIdOf(address seller, bytes32 requestId) external pure returns (CreditNoteId);

    /// @notice The 20-digit check code printed on an invoice with this seal (below 10^20).
    function checkCodeOf(bytes24 seal) external pure returns (uint64);
}
