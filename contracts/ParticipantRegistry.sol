// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRulesUpgradeable} from
    "@openzeppelin/contracts-upgradeable/access/extensions/AccessControlDefaultAdminRulesUpgradeable.sol";
import {ERC2771ContextUpgradeable} from "@openzeppelin/contracts-upgradeable/metatx/ERC2771ContextUpgradeable.sol";
import {ContextUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ContextUpgradeable.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {TaxpayerIds} from "./libraries/TaxpayerIds.sol";
import {DelayedUpgrades} from "./proxy/DelayedUpgrades.sol";

/// @title ParticipantRegistry
/// @notice See {IParticipantRegistry}. The bureau's head account is the default admin of OpenZeppelin's
/// {AccessControlDefaultAdminRules}: it appoints officers (`BUREAU_ROLE`), hands itself over in two
/// steps after a delay, and schedules upgrades ({IDelayedUpgrades}). Officers register organisations; enterprises
/// register their employees.
/// @dev The implementation behind a {LedgerProxy}. Storage: OpenZeppelin's bases keep theirs in ERC-7201
/// namespaces; this contract's own variables are sequential and append-only, checked against the layout of the
/// last release (test/contracts/storage-layout.test.ts, docs/upgrades.md).
contract ParticipantRegistry is
    IParticipantRegistry,
    AccessControlDefaultAdminRulesUpgradeable,
    ERC2771ContextUpgradeable,
    DelayedUpgrades
{
    using TaxpayerIds for bytes18;

    /// @notice Role of tax-bureau officers: register, suspend and revoke participants, set quotas, freeze, pause.
    bytes32 public constant BUREAU_ROLE = keccak256("BUREAU_ROLE");

    mapping(address account => Participant participant) private _participants;
    mapping(uint32 index => address account) private _accountAt;
    mapping(bytes18 taxpayerId => address account) private _accountOf;
    uint32 private _count;

    /// @param trustedForwarder the ERC-2771 forwarder that relays requests parties signed themselves
    /// @dev The forwarder is an immutable of the implementation, not state: it is the same for every
    /// implementation (each upgrade's implementation is built with the deployment's forwarder), and reading it
    /// costs no storage access on every relayed call. The implementation itself can never be initialised.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address trustedForwarder) ERC2771ContextUpgradeable(trustedForwarder) {
        _disableInitializers();
    }

    /// @inheritdoc IParticipantRegistry
    function initialize(uint48 adminDelay, address bureau, uint48 upgradeDelaySeconds) external initializer {
        __AccessControlDefaultAdminRules_init(adminDelay, bureau);
        _initDelayedUpgrades(upgradeDelaySeconds);
        _grantRole(BUREAU_ROLE, bureau);
    }

    /// @inheritdoc IParticipantRegistry
    function registerMerchant(address account, bytes18 taxpayerId) external onlyRole(BUREAU_ROLE) {
        _registerOrganisation(account, Role.Merchant, taxpayerId);
    }

    /// @inheritdoc IParticipantRegistry
    function registerEnterprise(address account, bytes18 taxpayerId) external onlyRole(BUREAU_ROLE) {
        _registerOrganisation(account, Role.Enterprise, taxpayerId);
    }

    /// @inheritdoc IParticipantRegistry
    function registerIndividual(address account) external {
        address caller = _msgSender();
        if (!hasRole(BUREAU_ROLE, caller) && !isActive(caller, Role.Enterprise)) {
            revert ParticipantRegistryUnauthorized(caller);
        }
        _register(account, Role.Individual, bytes18(0), caller);
    }

    /// @inheritdoc IParticipantRegistry
    function suspend(address account) external {
        _changeStatus(account, Status.Active, Status.Suspended);
    }

    /// @inheritdoc IParticipantRegistry
    function reinstate(address account) external {
        _changeStatus(account, Status.Suspended, Status.Active);
    }

    /// @inheritdoc IParticipantRegistry
    function revoke(address account) external {
        Participant storage p = _participants[account];
        Status from = p.status;
        // Revocation is final, from active or suspended alike.
        _changeStatus(account, from == Status.Suspended ? Status.Suspended : Status.Active, Status.Revoked);
        if (p.taxpayerId != bytes18(0)) delete _accountOf[p.taxpayerId];
    }

    /// @inheritdoc IParticipantRegistry
    function participant(address account) external view returns (Participant memory) {
        return _participants[account];
    }

    /// @inheritdoc IParticipantRegistry
    function accountAt(uint32 index) external view returns (address) {
        return _accountAt[index];
    }

    /// @inheritdoc IParticipantRegistry
    function accountOf(bytes18 taxpayerId) external view returns (address) {
        return _accountOf[taxpayerId];
    }

    /// @inheritdoc IParticipantRegistry
    function isBureau(address account) external view returns (bool) {
        return hasRole(BUREAU_ROLE, account);
    }

    /// @inheritdoc IParticipantRegistry
    function isRegistered(address account) external view returns (bool) {
        return hasRole(BUREAU_ROLE, account) || _participants[account].status == Status.Active;
    }

    /// @inheritdoc IParticipantRegistry
    function isActive(address account, Role role) public view returns (bool) {
        Participant storage p = _participants[account];
        return p.role == role && p.status == Status.Active;
    }

    function _registerOrganisation(address account, Role role, bytes18 taxpayerId) private {
        if (!taxpayerId.isValid()) revert ParticipantRegistryInvalidTaxpayerId(taxpayerId);
        address holder = _accountOf[taxpayerId];
        if (holder != address(0)) revert ParticipantRegistryTaxpayerIdTaken(taxpayerId, holder);
        _accountOf[taxpayerId] = account;
        _register(account, role, taxpayerId, _msgSender());
    }

    function _register(address account, Role role, bytes18 taxpayerId, address registrar) private {
        if (account == address(0)) revert ParticipantRegistryZeroAccount();
        Participant storage p = _participants[account];
        if (p.role != Role.None) revert ParticipantRegistryAlreadyRegistered(account, p.role);
        uint32 index = ++_count;
        _participants[account] = Participant({
            role: role, status: Status.Active, taxpayerId: taxpayerId, index: index, registrar: registrar
        });
        _accountAt[index] = account;
        emit ParticipantRegistered(account, role, taxpayerId, index, registrar);
    }

    /// @dev The one path for status changes: checks the actor's authority and the expected current status.
    function _changeStatus(address account, Status from, Status to) private {
        address caller = _msgSender();
        Participant storage p = _participants[account];
        if (p.role == Role.None) revert ParticipantRegistryNotRegistered(account);
        bool isRegistrar = p.role == Role.Individual && p.registrar == caller && isActive(caller, Role.Enterprise);
        if (!hasRole(BUREAU_ROLE, caller) && !isRegistrar) revert ParticipantRegistryUnauthorized(caller);
        if (p.status != from) revert ParticipantRegistryInvalidStatusChange(account, p.status, to);
        p.status = to;
        emit ParticipantStatusChanged(account, from, to, caller);
    }

    /// @dev Upgrades are the bureau's default admin's (the head account, handed over only in two delayed steps).
    function _upgradeAdmin() internal view override returns (address) {
        return defaultAdmin();
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
