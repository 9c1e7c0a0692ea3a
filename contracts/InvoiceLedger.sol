// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC2771ContextUpgradeable} from "@openzeppelin/contracts-upgradeable/metatx/ERC2771ContextUpgradeable.sol";
import {ContextUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ContextUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IInvoiceLedger} from "./interfaces/IInvoiceLedger.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {TaxPeriods} from "./libraries/TaxPeriods.sol";
import {DelayedUpgrades} from "./proxy/DelayedUpgrades.sol";
import {InvoiceId, CreditNoteId} from "./types/Ids.sol";

/// @title InvoiceLedger
/// @notice See {IInvoiceLedger}.
/// @dev Storage is laid out so that issuing costs two fresh slots per invoice (the gas target is
/// <= 60,000 per invoice in a batch of 100):
/// - `_records[number]`, read by verification:   seal (24) | total (6) | state (1) | frozenFrom (1)
/// - `_issuances[id]`, which is also the idempotency check of the merchant's request id:
///                                                number (5) | seller index (4) | tax (5) | buyerTaxId (18)
/// What changes later lives in `_custody[id]` and is written only when an invoice moves:
///   slot 0: holder (20) | reversedTotal (6) | reversedTax (5) | reversalPending (1)
///   slot 1: enterprise (20) | filedPeriod (3)
/// The seller is kept as its registry index rather than its address, and the claim key is folded into
/// the seal, which is what lets an issued invoice fit in two slots.
///
/// An invoice's issue period (the lower bound of its filing period) is not stored per invoice: numbers are
/// assigned in time order, so it follows from the number and the first number of each period. `_nextNumber`
/// shares its slot with `_issuancePeriod`, the period of the latest number taken, which every issue writes
/// anyway; when a number is taken in a later period, `_endNumberOf[m]` is set to it for each month m from the
/// previous issuance period up to the new one (a few writes once a month, none per invoice).
///
/// Upgrades. This is the implementation behind a {LedgerProxy}; it upgrades itself (UUPS) only as
/// {IDelayedUpgrades} allows. Its own variables are sequential and append-only: a new implementation keeps every
/// variable above where it is and declares new ones after them, which test/contracts/storage-layout.test.ts checks
/// against the layout of the last release (docs/upgrades.md). OpenZeppelin's upgradeable bases keep their state in
/// ERC-7201 namespaces. The packed layout above stays as it was: a namespaced struct would cost about the same per
/// access, but sequential variables keep the code unchanged, and the layout check makes the append-only rule a
/// failing test instead of a convention.
///
/// EIP-712 is OpenZeppelin's non-upgradeable {EIP712} on purpose: its name and version are immutables of the code
/// (an implementation that changes them changes the claim domain, which is then a visible change of code), and
/// behind a proxy `address(this)` never equals the implementation's cached address, so the domain separator is
/// rebuilt from the immutable hashes with the proxy as `verifyingContract` (a keccak, no storage read).
/// {EIP712Upgradeable} would read two storage slots on every claim for the same answer. Its two fallback strings
/// (slots 0 and 1 below) are never written, since the name and version are short.
contract InvoiceLedger is IInvoiceLedger, EIP712, PausableUpgradeable, ERC2771ContextUpgradeable, DelayedUpgrades {
    using TaxPeriods for uint256;
    using TaxPeriods for uint24;

    /// @dev Per number: what a verifier needs. Packed into one slot (see the contract documentation).
    struct Record {
        bytes24 seal;
        uint48 total;
        State state;
        State frozenFrom;
    }

    /// @dev Per id: the rest of what issuance fixes. Packed into one slot.
    struct Issuance {
        uint40 number;
        uint32 seller;
        uint40 tax;
        bytes18 buyerTaxId;
    }

    /// @dev Per id: who holds the invoice and what happened to it since issuance. Two slots.
    struct Custody {
        address holder;
        uint48 reversedTotal;
        uint40 reversedTax;
        bool reversalPending;
        address enterprise;
        uint24 filedPeriod;
    }

    struct Quota {
        uint64 granted;
        uint64 used;
    }

    bytes32 private constant _CLAIM_TYPEHASH = keccak256("Claim(bytes32 invoiceId,address claimant)");
    bytes32 private constant _CREDIT_NOTE_TAG = "credit-note";
    bytes32 private constant _CHECK_CODE_TAG = "check-code";

    /// @dev The lifecycle as a bitmap: bit `from * 8 + to` is set when `from -> to` is allowed. Nothing leaves
    /// `Frozen` through it: only {unfreeze} does, and only back to the state the invoice was frozen in.
    uint256 private constant _ALLOWED_TRANSITIONS = (1 << (uint256(State.Issued) * 8 + uint256(State.Locked)))
        | (1 << (uint256(State.Locked) * 8 + uint256(State.Issued)))
        | (1 << (uint256(State.Locked) * 8 + uint256(State.Reimbursed)))
        | (1 << (uint256(State.Reimbursed) * 8 + uint256(State.Filed)))
        | (1 << (uint256(State.Issued) * 8 + uint256(State.Reversed)))
        | (1 << (uint256(State.Locked) * 8 + uint256(State.Reversed)))
        | (1 << (uint256(State.Reimbursed) * 8 + uint256(State.Reversed)))
        | (1 << (uint256(State.Filed) * 8 + uint256(State.Reversed)))
        | (1 << (uint256(State.Issued) * 8 + uint256(State.Frozen)))
        | (1 << (uint256(State.Locked) * 8 + uint256(State.Frozen)))
        | (1 << (uint256(State.Reimbursed) * 8 + uint256(State.Frozen)))
        | (1 << (uint256(State.Filed) * 8 + uint256(State.Frozen)))
        | (1 << (uint256(State.Reversed) * 8 + uint256(State.Frozen)));

    /// @dev An immutable of the implementation, not state: the registry's proxy address is the same for every
    /// implementation (each upgrade's implementation is built with the deployment's registry), and every
    /// transaction reads it, so it costs no storage read. The start check compares code with immutables masked and
    /// reads {registry} to make sure the implementation was built for this deployment.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IParticipantRegistry private immutable _registry;

    mapping(uint40 number => Record record) private _records;
    mapping(InvoiceId id => Issuance issuance) private _issuances;
    mapping(InvoiceId id => Custody custody) private _custody;
    mapping(CreditNoteId id => CreditNote note) private _creditNotes;
    mapping(address merchant => mapping(uint24 period => Quota quota)) private _quotas;
    /// @dev Per number of a credit note: its id, so that a credit note verifies by its printed number as an
    /// invoice does (written once per reversal).
    mapping(uint40 number => CreditNoteId creditNote) private _creditNoteAt;
    /// @dev Per tax period m (YYYYMM) from the first issuance period on, once a later period has begun: the first
    /// number taken after m. Numbers below it were taken in m or before; zero for m before the first issuance and
    /// for m >= `_issuancePeriod`.
    mapping(uint24 period => uint40 number) private _endNumberOf;
    /// @dev Invoices and credit notes share one gapless sequence of numbers, starting at 1 (set by {initialize}).
    /// Packed with `_issuancePeriod` into one slot: nextNumber (5) | issuancePeriod (3).
    uint40 private _nextNumber;
    /// @dev The period (YYYYMM) in which the latest number was taken; zero before the first.
    uint24 private _issuancePeriod;

    /// @param participantRegistry the participant registry (its proxy) that says who may act in which role
    /// @param trustedForwarder the ERC-2771 forwarder that relays requests parties signed themselves
    /// @dev Both are immutables (see `_registry`); the implementation itself can never be initialised.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IParticipantRegistry participantRegistry, address trustedForwarder)
        EIP712("InvoiceLedger", "1")
        ERC2771ContextUpgradeable(trustedForwarder)
    {
        _registry = participantRegistry;
        _disableInitializers();
    }

    /// @inheritdoc IInvoiceLedger
    function initialize(uint48 upgradeDelaySeconds) external initializer {
        _initDelayedUpgrades(upgradeDelaySeconds);
        _nextNumber = 1;
    }

    // ---------------------------------------------------------------- bureau

    /// @inheritdoc IInvoiceLedger
    function setQuota(address merchant, uint24 period, uint64 granted) external whenNotPaused {
        address caller = _requireBureau();
        if (!TaxPeriods.isValid(period)) revert InvoiceLedgerInvalidPeriod(period);
        if (!_registry.isActive(merchant, IParticipantRegistry.Role.Merchant)) {
            revert InvoiceLedgerUnauthorized(merchant);
        }
        _quotas[merchant][period].granted = granted;
        emit QuotaGranted(merchant, period, granted, caller);
    }

    /// @inheritdoc IInvoiceLedger
    function freeze(InvoiceId id, bytes32 reason) external whenNotPaused {
        address caller = _requireBureau();
        Record storage record = _recordOf(id);
        State from = _transition(id, record, State.Frozen);
        emit InvoiceFrozen(id, caller, from, reason);
    }

    /// @inheritdoc IInvoiceLedger
    function unfreeze(InvoiceId id) external whenNotPaused {
        address caller = _requireBureau();
        Record storage record = _recordOf(id);
        State to = record.frozenFrom;
        _thaw(id, record);
        emit InvoiceUnfrozen(id, caller, to);
    }

    /// @inheritdoc IInvoiceLedger
    function release(InvoiceId id) external whenNotPaused {
        address caller = _requireBureau();
        Record storage record = _recordOf(id);
        Custody storage custody = _custody[id];
        address enterprise = custody.enterprise;
        if (_registry.isActive(enterprise, IParticipantRegistry.Role.Enterprise)) {
            revert InvoiceLedgerPartyActive(id, enterprise);
        }
        _transition(id, record, State.Issued);
        custody.enterprise = address(0);
        emit InvoiceReleased(id, enterprise, caller);
    }

    /// @inheritdoc IInvoiceLedger
    function reassign(InvoiceId id, address to) external whenNotPaused {
        address caller = _requireBureau();
        Record storage record = _recordOf(id);
        _requireState(id, record, State.Issued);
        Custody storage custody = _custody[id];
        address from = custody.holder;
        // An unclaimed invoice is not stranded: whoever has its claim code can still claim it.
        if (from == address(0) || _mayHold(from)) revert InvoiceLedgerPartyActive(id, from);
        if (!_mayHold(to)) revert InvoiceLedgerInvalidRecipient(id, to);
        custody.holder = to;
        emit InvoiceReassigned(id, from, to, caller);
    }

    /// @inheritdoc IInvoiceLedger
    function pause() external {
        _requireBureau();
        _pause();
    }

    /// @inheritdoc IInvoiceLedger
    function unpause() external {
        _requireBureau();
        _unpause();
    }

    // ---------------------------------------------------------------- merchant

    /// @inheritdoc IInvoiceLedger
    function issue(IssueRequest calldata request) external whenNotPaused returns (InvoiceId id, uint40 number) {
        (address seller, uint32 sellerIndex) = _requireMerchant();
        uint24 period = block.timestamp.periodOf();
        number = _takeNumbers(1, period);
        uint256 total;
        (id, total) = _issueOne(request, seller, sellerIndex, number);
        _consumeQuota(seller, total, period);
    }

    /// @inheritdoc IInvoiceLedger
    function issueBatch(IssueRequest[] calldata requests) external whenNotPaused returns (uint40 firstNumber) {
        uint256 count = requests.length;
        if (count == 0) revert InvoiceLedgerEmptyBatch();
        (address seller, uint32 sellerIndex) = _requireMerchant();
        uint24 period = block.timestamp.periodOf();
        firstNumber = _takeNumbers(uint40(count), period);
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            (, uint256 total) = _issueOne(requests[i], seller, sellerIndex, firstNumber + uint40(i));
            sum += total;
        }
        _consumeQuota(seller, sum, period);
    }

    /// @inheritdoc IInvoiceLedger
    function reverse(InvoiceId id, ReversalRequest calldata request)
        external
        whenNotPaused
        returns (CreditNoteId creditNoteId, uint40 number)
    {
        (address seller, uint32 sellerIndex) = _requireMerchant();
        Issuance storage issuance = _issuanceOf(id);
        if (issuance.seller != sellerIndex && !_actsFor(seller, _registry.accountAt(issuance.seller))) {
            revert InvoiceLedgerNotParty(id, seller);
        }
        if (request.requestId == bytes32(0) || request.seal == bytes24(0)) {
            revert InvoiceLedgerMissingField(request.requestId);
        }
        Custody storage custody = _custody[id];
        if (custody.reversalPending) revert InvoiceLedgerReversalPending(id);
        Record storage record = _records[issuance.number];
        bool immediate = _takesEffectAtOnce(id, record.state);
        _requireReversible(id, record, issuance, custody, request.total, request.tax);

        CreditNote storage note;
        (creditNoteId, note) = _createCreditNote(id, seller, request);
        number = note.number;
        if (immediate) {
            _applyReversal(id, creditNoteId, note, seller);
        } else {
            note.status = CreditNoteStatus.Pending;
            custody.reversalPending = true;
            emit ReversalRequested(id, creditNoteId, seller, number, note.seal, note.total, note.tax, note.reason);
        }
    }

    // ---------------------------------------------------------------- holder

    /// @inheritdoc IInvoiceLedger
    function claim(InvoiceId id, bytes32 commitment, bytes calldata claimSignature) external whenNotPaused {
        address caller = _requireHolderRole();
        Record storage record = _recordOf(id);
        _requireState(id, record, State.Issued);
        Custody storage custody = _custody[id];
        if (custody.holder != address(0)) revert InvoiceLedgerAlreadyClaimed(id, custody.holder);
        (address claimKey, ECDSA.RecoverError err,) = ECDSA.tryRecover(claimDigest(id, caller), claimSignature);
        if (err != ECDSA.RecoverError.NoError || _sealOf(commitment, claimKey) != record.seal) {
            revert InvoiceLedgerInvalidClaim(id);
        }
        custody.holder = caller;
        emit InvoiceClaimed(id, caller);
    }

    /// @inheritdoc IInvoiceLedger
    function transfer(InvoiceId id, address to) external whenNotPaused {
        address caller = _requireHolderRole();
        Record storage record = _recordOf(id);
        _requireState(id, record, State.Issued);
        Custody storage custody = _custody[id];
        if (custody.holder != caller) revert InvoiceLedgerNotParty(id, caller);
        if (to == caller || !_mayHold(to)) revert InvoiceLedgerInvalidRecipient(id, to);
        custody.holder = to;
        emit InvoiceTransferred(id, caller, to);
    }

    /// @inheritdoc IInvoiceLedger
    function submit(InvoiceId id, address enterprise) external whenNotPaused {
        address caller = _requireHolderRole();
        Issuance storage issuance = _issuanceOf(id);
        Custody storage custody = _custody[id];
        if (custody.holder != caller) revert InvoiceLedgerNotParty(id, caller);
        IParticipantRegistry.Participant memory buyer = _registry.participant(enterprise);
        if (buyer.role != IParticipantRegistry.Role.Enterprise || buyer.status != IParticipantRegistry.Status.Active)
        {
            revert InvoiceLedgerInvalidRecipient(id, enterprise);
        }
        // The buyer title check (抬头): an invoice made out to an organisation is reimbursable only there.
        if (issuance.buyerTaxId != bytes18(0) && issuance.buyerTaxId != buyer.taxpayerId) {
            revert InvoiceLedgerBuyerMismatch(id, issuance.buyerTaxId, buyer.taxpayerId);
        }
        _transition(id, _records[issuance.number], State.Locked);
        custody.enterprise = enterprise;
        emit InvoiceSubmitted(id, caller, enterprise);
    }

    // ---------------------------------------------------------------- enterprise

    /// @inheritdoc IInvoiceLedger
    function reject(InvoiceId id, bytes32 reason) external whenNotPaused {
        (address caller, Record storage record, Custody storage custody) = _requireLockingEnterprise(id);
        _transition(id, record, State.Issued);
        custody.enterprise = address(0);
        emit InvoiceRejected(id, caller, reason);
    }

    /// @inheritdoc IInvoiceLedger
    function reimburse(InvoiceId id) external whenNotPaused {
        (address caller, Record storage record,) = _requireLockingEnterprise(id);
        _transition(id, record, State.Reimbursed);
        emit InvoiceReimbursed(id, caller);
    }

    /// @inheritdoc IInvoiceLedger
    function file(InvoiceId id, uint24 period) external whenNotPaused {
        (address caller, Record storage record, Custody storage custody) = _requireLockingEnterprise(id);
        uint24 current = block.timestamp.periodOf();
        if (!TaxPeriods.isValid(period) || period > current) revert InvoiceLedgerInvalidPeriod(period);
        uint40 number = _issuances[id].number;
        uint40 end = _endNumberOf[period];
        // Issued by the end of `period`: below the first number taken after it, or `period` is not over yet (the
        // current period needs no look at `_issuancePeriod`, which is never later).
        if (end != 0 ? number >= end : period != current && period < _issuancePeriod) {
            revert InvoiceLedgerFilingPeriodOutOfRange(id, period, _issuePeriodOf(number), current);
        }
        _transition(id, record, State.Filed);
        custody.filedPeriod = period;
        emit InvoiceFiled(id, caller, period);
    }

    /// @inheritdoc IInvoiceLedger
    function confirmReversal(CreditNoteId creditNoteId) external whenNotPaused {
        CreditNote storage note = _pendingCreditNote(creditNoteId);
        InvoiceId id = note.invoice;
        address caller = _msgSender();
        Record storage record = _recordOf(id);
        Custody storage custody = _custody[id];
        if (_registry.isBureau(caller)) {
            // The bureau stands in only for a confirming enterprise that can no longer act.
            address enterprise = custody.enterprise;
            if (_registry.isActive(enterprise, IParticipantRegistry.Role.Enterprise)) {
                revert InvoiceLedgerPartyActive(id, enterprise);
            }
        } else {
            _requireLockingEnterprise(id);
        }
        if (record.state != State.Reimbursed && record.state != State.Filed) {
            revert InvoiceLedgerInvalidTransition(id, record.state, State.Reversed);
        }
        custody.reversalPending = false;
        _applyReversal(id, creditNoteId, note, caller);
    }

    /// @inheritdoc IInvoiceLedger
    function cancelReversal(CreditNoteId creditNoteId) external whenNotPaused {
        CreditNote storage note = _pendingCreditNote(creditNoteId);
        InvoiceId id = note.invoice;
        address caller = _msgSender();
        Custody storage custody = _custody[id];
        address seller = _registry.accountAt(_issuances[id].seller);
        if (_registry.isBureau(caller)) {
            // The bureau withdraws a note only for a seller that can no longer do it.
            if (_registry.isActive(seller, IParticipantRegistry.Role.Merchant)) revert InvoiceLedgerPartyActive(id, seller);
        } else {
            IParticipantRegistry.Participant memory actor = _registry.participant(caller);
            bool isSeller = actor.role == IParticipantRegistry.Role.Merchant && _actsFor(caller, seller);
            bool isEnterprise = actor.role == IParticipantRegistry.Role.Enterprise && _actsFor(caller, custody.enterprise);
            if (actor.status != IParticipantRegistry.Status.Active || !(isSeller || isEnterprise)) {
                revert InvoiceLedgerNotParty(id, caller);
            }
        }
        note.status = CreditNoteStatus.Cancelled;
        custody.reversalPending = false;
        emit ReversalCancelled(id, creditNoteId, caller);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IInvoiceLedger
    function invoice(InvoiceId id) external view returns (Invoice memory result) {
        Issuance storage issuance = _issuanceOf(id);
        Record storage record = _records[issuance.number];
        Custody storage custody = _custody[id];
        result = Invoice({
            id: id,
            number: issuance.number,
            seller: _registry.accountAt(issuance.seller),
            buyerTaxId: issuance.buyerTaxId,
            seal: record.seal,
            total: record.total,
            tax: issuance.tax,
            state: record.state,
            frozenFrom: record.frozenFrom,
            holder: custody.holder,
            enterprise: custody.enterprise,
            filedPeriod: custody.filedPeriod,
            reversedTotal: custody.reversedTotal,
            reversedTax: custody.reversedTax,
            reversalPending: custody.reversalPending
        });
    }

    /// @inheritdoc IInvoiceLedger
    function stateOf(InvoiceId id) external view returns (State) {
        return _records[_issuances[id].number].state;
    }

    /// @inheritdoc IInvoiceLedger
    function verify(uint40 number, uint64 checkCode, uint48 total) external view returns (bool, State, CreditNoteStatus) {
        Record storage record = _records[number];
        State state = record.state;
        if (state != State.None) {
            if (record.total != total || checkCodeOf(record.seal) != checkCode) {
                return (false, State.None, CreditNoteStatus.None);
            }
            return (true, state, CreditNoteStatus.None);
        }
        CreditNote storage note = _creditNotes[_creditNoteAt[number]];
        if (note.number == 0 || note.total != total || checkCodeOf(note.seal) != checkCode) {
            return (false, State.None, CreditNoteStatus.None);
        }
        return (true, _records[_issuances[note.invoice].number].state, note.status);
    }

    /// @inheritdoc IInvoiceLedger
    function issuePeriodOf(InvoiceId id) external view returns (uint24) {
        return _issuePeriodOf(_issuanceOf(id).number);
    }

    /// @inheritdoc IInvoiceLedger
    function creditNote(CreditNoteId id) external view returns (CreditNote memory) {
        CreditNote storage note = _creditNotes[id];
        if (note.number == 0) revert InvoiceLedgerUnknownCreditNote(id);
        return note;
    }

    /// @inheritdoc IInvoiceLedger
    function quotaOf(address merchant, uint24 period) external view returns (uint64 granted, uint64 used) {
        Quota storage quota = _quotas[merchant][period];
        return (quota.granted, quota.used);
    }

    /// @inheritdoc IInvoiceLedger
    function currentPeriod() external view returns (uint24) {
        return block.timestamp.periodOf();
    }

    /// @inheritdoc IInvoiceLedger
    function nextNumber() external view returns (uint40) {
        return _nextNumber;
    }

    /// @inheritdoc IInvoiceLedger
    function registry() external view returns (IParticipantRegistry) {
        return _registry;
    }

    /// @inheritdoc IInvoiceLedger
    function claimDigest(InvoiceId id, address claimant) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_CLAIM_TYPEHASH, id, claimant)));
    }

    /// @inheritdoc IInvoiceLedger
    function invoiceIdOf(address seller, bytes32 requestId) public pure returns (InvoiceId) {
        return InvoiceId.wrap(keccak256(abi.encode(seller, requestId)));
    }

    /// @inheritdoc IInvoiceLedger
    function creditNoteIdOf(address seller, bytes32 requestId) external pure returns (CreditNoteId) {
        return _creditNoteIdOf(seller, requestId);
    }

    /// @inheritdoc IInvoiceLedger
    function checkCodeOf(bytes24 seal) public pure returns (uint64) {
        return uint64(bytes8(keccak256(abi.encodePacked(_CHECK_CODE_TAG, seal))));
    }

    // ---------------------------------------------------------------- internal

    /// @dev Creates one invoice. The buyer's taxpayer ID is not checked for well-formedness here (that costs
    /// ~4,700 gas per invoice, measured): the API refuses malformed ones, and a malformed one
    /// could only make the merchant's own invoice unreimbursable, since the buyer title check compares it with
    /// registered enterprises' IDs, which the registry validates. Issuance is the creation of a record, not a move between states, so it does not
    /// go through {_transition}; the `None -> Issued` step is guarded by the request-id check instead.
    function _issueOne(IssueRequest calldata request, address seller, uint32 sellerIndex, uint40 number)
        private
        returns (InvoiceId id, uint256 total)
    {
        bytes32 requestId = request.requestId;
        bytes24 seal = request.seal;
        total = request.total;
        uint40 tax = request.tax;
        if (requestId == bytes32(0) || seal == bytes24(0)) revert InvoiceLedgerMissingField(requestId);
        if (total == 0 || tax > total) revert InvoiceLedgerInvalidAmount(total, tax);
        id = invoiceIdOf(seller, requestId);
        Issuance storage issuance = _issuances[id];
        if (issuance.number != 0) revert InvoiceLedgerDuplicateRequest(seller, requestId, issuance.number);
        bytes18 buyerTaxId = request.buyerTaxId;
        _issuances[id] = Issuance({number: number, seller: sellerIndex, tax: tax, buyerTaxId: buyerTaxId});
        _records[number] = Record({seal: seal, total: uint48(total), state: State.Issued, frozenFrom: State.None});
        emit InvoiceIssued(id, number, seller, buyerTaxId, seal, uint48(total), tax);
    }

    /// @dev Stores a new credit note under the next number; its status is set by the caller.
    function _createCreditNote(InvoiceId id, address seller, ReversalRequest calldata request)
        private
        returns (CreditNoteId creditNoteId, CreditNote storage note)
    {
        creditNoteId = _creditNoteIdOf(seller, request.requestId);
        note = _creditNotes[creditNoteId];
        if (note.number != 0) revert InvoiceLedgerDuplicateRequest(seller, request.requestId, note.number);
        uint40 number = _takeNumbers(1, block.timestamp.periodOf());
        note.invoice = id;
        note.number = number;
        _creditNoteAt[number] = creditNoteId;
        note.total = request.total;
        note.tax = request.tax;
        note.reason = request.reason;
        note.seal = request.seal;
    }

    /// @dev Takes `count` consecutive numbers in `period` (the current one). When `period` is later than the
    /// period of the previous number, closes every month from that one up to `period` with the first number
    /// taken now (bounded by the months elapsed; once a month on a live ledger, never per invoice).
    function _takeNumbers(uint40 count, uint24 period) private returns (uint40 first) {
        first = _nextNumber;
        uint24 last = _issuancePeriod;
        if (period > last) {
            if (last != 0) {
                uint256 end = period.monthIndexOf();
                for (uint256 m = last.monthIndexOf(); m < end; ++m) {
                    _endNumberOf[TaxPeriods.periodAt(m)] = first;
                }
            }
            _issuancePeriod = period;
        }
        _nextNumber = first + count;
    }

    /// @dev The period `number` was taken in: the first month whose end number lies above it, found by bisection
    /// over the months since 1970 (ends only grow from month to month; months before the first issuance have
    /// none), or the current issuance period. Used by views and refusals only.
    function _issuePeriodOf(uint40 number) private view returns (uint24) {
        uint256 low = uint24(197_001).monthIndexOf();
        uint256 high = _issuancePeriod.monthIndexOf();
        while (low < high) {
            uint256 mid = (low + high) / 2;
            uint40 end = _endNumberOf[TaxPeriods.periodAt(mid)];
            if (end != 0 && number < end) high = mid;
            else low = mid + 1;
        }
        return TaxPeriods.periodAt(low);
    }

    /// @dev The one path for every change of an invoice's state but unfreezing: checks that the lifecycle allows
    /// `from -> to` and writes it. Callers check the actor before and emit their event right after.
    function _transition(InvoiceId id, Record storage record, State to) private returns (State from) {
        from = record.state;
        if ((_ALLOWED_TRANSITIONS >> (uint256(from) * 8 + uint256(to))) & 1 == 0) {
            revert InvoiceLedgerInvalidTransition(id, from, to);
        }
        record.state = to;
        if (to == State.Frozen) record.frozenFrom = from;
    }

    /// @dev The bureau's way out of `Frozen`, back to the state the invoice was frozen in; kept apart from
    /// {_transition} so that no ordinary step (e.g. `reimburse` of a frozen reimbursed invoice) can thaw it.
    function _thaw(InvoiceId id, Record storage record) private {
        if (record.state != State.Frozen) revert InvoiceLedgerInvalidTransition(id, record.state, State.None);
        record.state = record.frozenFrom;
        record.frozenFrom = State.None;
    }

    /// @dev Makes a credit note effective: books the reversed amounts, moves the invoice (to `Reversed` when
    /// nothing remains; back to `Issued` when a pending lock must be cancelled) and gives the quota back.
    function _applyReversal(InvoiceId id, CreditNoteId creditNoteId, CreditNote storage note, address actor) private {
        Issuance storage issuance = _issuances[id];
        Record storage record = _records[issuance.number];
        Custody storage custody = _custody[id];
        custody.reversedTotal += note.total;
        custody.reversedTax += note.tax;
        note.status = CreditNoteStatus.Effective;

        State from = record.state;
        State to = from;
        if (custody.reversedTotal == record.total) {
            to = State.Reversed;
        } else if (from == State.Locked) {
            // The claim the enterprise was reviewing changed: it has to be submitted again.
            to = State.Issued;
        }
        if (to != from) _transition(id, record, to);
        // A pending lock is cancelled; an enterprise that reimbursed stays on record.
        if (from == State.Locked) custody.enterprise = address(0);
        _restoreQuota(issuance.seller, note.total);
        emit InvoiceReversed(id, creditNoteId, actor, note.number, note.total, note.tax, note.reason, to);
    }

    /// @dev A red-letter note is negative issuance of the current period (as in practice), so it frees quota there.
    function _restoreQuota(uint32 sellerIndex, uint48 amount) private {
        Quota storage quota = _quotas[_registry.accountAt(sellerIndex)][block.timestamp.periodOf()];
        quota.used = quota.used > amount ? quota.used - amount : 0;
    }

    /// @dev Whether a reversal from `state` takes effect at once; once the buyer has booked the invoice
    /// (reimbursed or filed) it waits for the enterprise's confirmation. Other states cannot be reversed.
    function _takesEffectAtOnce(InvoiceId id, State state) private pure returns (bool) {
        if (state == State.Issued || state == State.Locked) return true;
        if (state == State.Reimbursed || state == State.Filed) return false;
        revert InvoiceLedgerInvalidTransition(id, state, State.Reversed);
    }

    function _requireReversible(
        InvoiceId id,
        Record storage record,
        Issuance storage issuance,
        Custody storage custody,
        uint256 total,
        uint256 tax
    ) private view {
        uint256 remainingTotal = record.total - custody.reversedTotal;
        uint256 remainingTax = issuance.tax - custody.reversedTax;
        if (total == 0 || tax > total) revert InvoiceLedgerInvalidAmount(total, tax);
        // What remains must stay a consistent invoice: tax never exceeds the amount it is part of.
        if (total > remainingTotal || tax > remainingTax || remainingTax - tax > remainingTotal - total) {
            revert InvoiceLedgerReversalExceedsRemaining(id, total, tax, remainingTotal, remainingTax);
        }
    }

    function _consumeQuota(address merchant, uint256 amount, uint24 period) private {
        Quota storage quota = _quotas[merchant][period];
        uint256 available = quota.granted > quota.used ? quota.granted - quota.used : 0;
        if (amount > available) revert InvoiceLedgerQuotaExceeded(merchant, period, amount, available);
        quota.used += uint64(amount);
    }

    function _requireBureau() private view returns (address caller) {
        caller = _msgSender();
        if (!_registry.isBureau(caller)) revert InvoiceLedgerUnauthorized(caller);
    }

    function _requireMerchant() private view returns (address caller, uint32 index) {
        caller = _msgSender();
        IParticipantRegistry.Participant memory p = _registry.participant(caller);
        if (p.role != IParticipantRegistry.Role.Merchant || p.status != IParticipantRegistry.Status.Active) {
            revert InvoiceLedgerUnauthorized(caller);
        }
        index = p.index;
    }

    function _requireHolderRole() private view returns (address caller) {
        caller = _msgSender();
        if (!_mayHold(caller)) revert InvoiceLedgerUnauthorized(caller);
    }

    /// @dev Active individuals and enterprises may hold invoices (an enterprise that buys for itself claims its own).
    function _mayHold(address account) private view returns (bool) {
        return _registry.isActive(account, IParticipantRegistry.Role.Individual)
            || _registry.isActive(account, IParticipantRegistry.Role.Enterprise);
    }

    /// @dev Whether `caller` acts for `account`: it is `account`, or it is the account now bound to `account`'s
    /// taxpayer ID, which the registry frees only when `account` is revoked (its successor). Callers check the
    /// caller's own role and status; an individual or unknown account has no taxpayer ID and no successor.
    function _actsFor(address caller, address account) private view returns (bool) {
        return caller == account || _registry.accountOf(_registry.participant(account).taxpayerId) == caller;
    }

    function _requireLockingEnterprise(InvoiceId id)
        private
        view
        returns (address caller, Record storage record, Custody storage custody)
    {
        caller = _msgSender();
        if (!_registry.isActive(caller, IParticipantRegistry.Role.Enterprise)) revert InvoiceLedgerUnauthorized(caller);
        record = _recordOf(id);
        custody = _custody[id];
        if (!_actsFor(caller, custody.enterprise)) revert InvoiceLedgerNotParty(id, caller);
    }

    function _requireState(InvoiceId id, Record storage record, State expected) private view {
        if (record.state != expected) revert InvoiceLedgerInvalidTransition(id, record.state, expected);
    }

    function _pendingCreditNote(CreditNoteId id) private view returns (CreditNote storage note) {
        note = _creditNotes[id];
        if (note.number == 0) revert InvoiceLedgerUnknownCreditNote(id);
        if (note.status != CreditNoteStatus.Pending) revert InvoiceLedgerCreditNoteNotPending(id, note.status);
    }

    function _issuanceOf(InvoiceId id) private view returns (Issuance storage issuance) {
        issuance = _issuances[id];
        if (issuance.number == 0) revert InvoiceLedgerUnknownInvoice(id);
    }

    function _recordOf(InvoiceId id) private view returns (Record storage) {
        return _records[_issuanceOf(id).number];
    }

    function _creditNoteIdOf(address seller, bytes32 requestId) private pure returns (CreditNoteId) {
        return CreditNoteId.wrap(keccak256(abi.encode(seller, requestId, _CREDIT_NOTE_TAG)));
    }

    function _sealOf(bytes32 commitment, address claimKey) private pure returns (bytes24) {
        return bytes24(keccak256(abi.encode(commitment, claimKey)));
    }

    /// @dev The ledger is upgraded by whoever upgrades the registry: the bureau's default admin.
    function _upgradeAdmin() internal view override returns (address) {
        return _registry.upgradeAdmin();
    }

    // ERC-2771: the forwarder's calls carry the signer's address, which is the actor everywhere here.

    function _msgSender() internal view override(ContextUpgradeable, ERC2771ContextUpgradeable) returns (address) {
        return ERC2771ContextUpgradeable._msgSender();
    }

    function _msgData() internal view override(ContextUpgradeable, ERC2771ContextUpgradeable) returns (bytes calldata) {
        return ERC2771ContextUpgradeable._msgData();
    }

    function _contextSuffixLength()
        internal
        view
        override(ContextUpgradeable, ERC2771ContextUpgradeable)
        returns (uint256)
    {
        return ERC2771ContextUpgradeable._contextSuffixLength();
    }
}
