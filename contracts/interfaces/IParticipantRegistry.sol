// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDelayedUpgrades} from "./IDelayedUpgrades.sol";

/// @title Registry of the participants of the e-invoice ledger
/// @notice The tax bureau (an admin with a two-step, delayed handover, plus the officers it appoints)
/// registers merchants and enterprises by their public taxpayer ID, and enterprises register their
/// employees. Only an account known here may transact on the ledger node, and the ledger checks
/// every actor's role and status here again.
/// @dev No personal data is kept: an individual is only an account and the organisation that
/// registered it. Organisations carry their 18-character unified social credit code (GB 32100-2015),
/// which is public information.
///
/// The registry lives behind an ERC-1967 proxy and is upgraded only as {IDelayedUpgrades} says: scheduled by the
/// bureau's default admin, executable after the upgrade delay.
interface IParticipantRegistry is IDelayedUpgrades {
    /// @notice What a registered account may do. An account has exactly one role for its lifetime.
    enum Role {
        None,
        Merchant,
        Enterprise,
        Individual
    }

    /// @notice Only `Active` participants may act. `Suspended` is reversible, `Revoked` is final
    /// (and frees the taxpayer ID so that the organisation can register a new account, e.g. after a key loss).
    enum Status {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice A participant as stored. Packed into one slot: role (1) | status (1) | taxpayerId (18) | index (4)
    /// | 8 spare; the registrar lives in a second slot.
    struct Participant {
        Role role;
        Status status;
        /// @dev The organisation's unified social credit code as 18 ASCII bytes; zero for individuals.
        bytes18 taxpayerId;
        /// @dev 1-based position in registration order, a compact reference the ledger stores per invoice.
        uint32 index;
        /// @dev Who registered this account: a bureau officer, or the enterprise that employs the individual.
        address registrar;
    }

    /// @notice The caller may not perform this registry operation.
    error ParticipantRegistryUnauthorized(address caller);
    /// @notice The zero address cannot be a participant.
    error ParticipantRegistryZeroAccount();
    /// @notice The account already has a role (roles are never reassigned).
    error ParticipantRegistryAlreadyRegistered(address account, Role role);
    /// @notice The taxpayer ID is not a valid unified social credit code (charset or check character).
    error ParticipantRegistryInvalidTaxpayerId(bytes18 taxpayerId);
    /// @notice The taxpayer ID is already bound to another account that is not revoked.
    error ParticipantRegistryTaxpayerIdTaken(bytes18 taxpayerId, address account);
    /// @notice The account is not registered.
    error ParticipantRegistryNotRegistered(address account);
    /// @notice The requested status change is not possible from the account's current status.
    error ParticipantRegistryInvalidStatusChange(address account, Status from, Status to);

    /// @notice An account was registered.
    /// @param account the participant's chain account
    /// @param role its role
    /// @param taxpayerId the organisation's taxpayer ID, zero for an individual
    /// @param index its compact registration index
    /// @param registrar the bureau officer or enterprise that registered it
    event ParticipantRegistered(
        address indexed account, Role indexed role, bytes18 taxpayerId, uint32 index, address indexed registrar
    );

    /// @notice A participant's status changed (suspended, reinstated or revoked).
    event ParticipantStatusChanged(address indexed account, Status from, Status to, address indexed actor);

    /// @notice Initialises the registry behind its proxy (once, in the proxy's deployment).
    /// @param adminDelay delay (seconds) a default-admin handover must wait before it can be accepted
    /// @param bureau the bureau's head account: default admin, first officer, and the one who upgrades
    /// @param upgradeDelaySeconds delay (seconds) between scheduling an upgrade and executing it (see {IDelayedUpgrades})
    /// @dev Reverts with {Initializable-InvalidInitialization} when called again, or on the implementation itself.
    function initialize(uint48 adminDelay, address bureau, uint48 upgradeDelaySeconds) external;

    /// @notice Registers a merchant (seller) organisation.
    /// @dev Requires the caller to be a bureau officer, `account` to be unregistered and non-zero, and
    /// `taxpayerId` to be a valid unified social credit code not bound to another live account.
    /// Emits {ParticipantRegistered}.
    function registerMerchant(address account, bytes18 taxpayerId) external;

    /// @notice Registers an enterprise (employer / buyer organisation). Same requirements as {registerMerchant}.
    /// Emits {ParticipantRegistered}.
    function registerEnterprise(address account, bytes18 taxpayerId) external;

    /// @notice Registers an individual taxpayer's account. No personal data is taken.
    /// @dev Requires the caller to be a bureau officer or an active enterprise (which registers its employees).
    /// Emits {ParticipantRegistered}.
    function registerIndividual(address account) external;

    /// @notice Suspends an active participant; it may not act until reinstated.
    /// @dev Bureau officers may suspend anyone; an enterprise only the individuals it registered.
    /// Emits {ParticipantStatusChanged}.
    function suspend(address account) external;

    /// @notice Reinstates a suspended participant. Same authority as {suspend}. Emits {ParticipantStatusChanged}.
    function reinstate(address account) external;

    /// @notice Revokes a participant for good and frees its taxpayer ID. Same authority as {suspend}.
    /// Emits {ParticipantStatusChanged}.
    function revoke(address account) external;

    /// @notice The stored participant record of `account` (all zero when unknown).
    function participant(address account) external view returns (Participant memory);

    /// @notice The account registered under compact `index` (zero when unknown).
    function accountAt(uint32 index) external view returns (address);

    /// @notice The live account bound to an organisation's taxpayer ID (zero when none).
    function accountOf(bytes18 taxpayerId) external view returns (address);

    /// @notice Whether `account` is a bureau officer.
    function isBureau(address account) external view returns (bool);

    /// @notice Whether `account` may transact at all: a bureau officer or an active participant.
    /// @dev The ledger node's admission check; the contracts check roles again.
    function isRegistered(address account) external view returns (bool);

    /// @notice Whether `account` is an active participant with `role`.
    function isActive(address account, Role role) external view returns (bool);
}
