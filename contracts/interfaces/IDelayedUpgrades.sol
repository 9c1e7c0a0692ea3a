// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Upgrades that are announced, then wait
/// @notice The participant registry and the invoice ledger each sit behind an ERC-1967 proxy and upgrade
/// themselves (UUPS, `upgradeToAndCall`). An upgrade is never immediate: the bureau's default admin first
/// schedules one implementation, which every party can read ({UpgradeScheduled}, {pendingUpgrade}) and inspect
/// for the whole delay; only after it does `upgradeToAndCall` accept that implementation, and only that one.
/// The admin may cancel a schedule at any time before it is executed.
/// @dev The delay is fixed when the proxy is initialised. Only an upgrade, which itself waits for the delay, can
/// change it, so it can never be shortened for the very upgrade that would profit from a shorter one.
interface IDelayedUpgrades {
    /// @notice `caller` is not the bureau's default admin, who alone schedules, cancels and executes upgrades.
    error DelayedUpgradesUnauthorized(address caller);
    /// @notice An upgrade delay must be positive.
    error DelayedUpgradesInvalidDelay(uint48 delay);
    /// @notice There is no contract code at `implementation`.
    error DelayedUpgradesNotAContract(address implementation);
    /// @notice Another upgrade is already scheduled; cancel it first.
    error DelayedUpgradesAlreadyScheduled(address scheduled, uint48 readyAt);
    /// @notice No upgrade is scheduled.
    error DelayedUpgradesNothingScheduled();
    /// @notice `implementation` is not the scheduled implementation (`scheduled`, zero when none is).
    error DelayedUpgradesNotScheduled(address implementation, address scheduled);
    /// @notice The scheduled `implementation` may be executed from `readyAt` on; it is `currentTime` (seconds).
    error DelayedUpgradesNotReady(address implementation, uint48 readyAt, uint48 currentTime);

    /// @notice The bureau's default admin (`actor`) scheduled an upgrade to `implementation`, executable from
    /// `readyAt` (seconds since 1970).
    event UpgradeScheduled(address indexed implementation, uint48 readyAt, address indexed actor);
    /// @notice The bureau's default admin (`actor`) cancelled the scheduled upgrade to `implementation`.
    event UpgradeCancelled(address indexed implementation, address indexed actor);
    /// @notice The bureau's default admin (`actor`) executed the scheduled upgrade to `implementation` (the
    /// proxy emits ERC-1967's {IERC1967-Upgraded} as well).
    event UpgradeExecuted(address indexed implementation, address indexed actor);

    /// @notice Schedules the upgrade of this proxy to `implementation`, executable once the upgrade delay has
    /// passed.
    /// @dev Caller: the bureau's default admin. Reverts with {DelayedUpgradesAlreadyScheduled} while another
    /// upgrade is scheduled and with {DelayedUpgradesNotAContract} when `implementation` has no code.
    /// Emits {UpgradeScheduled}.
    function scheduleUpgrade(address implementation) external;

    /// @notice Cancels the scheduled upgrade.
    /// @dev Caller: the bureau's default admin. Reverts with {DelayedUpgradesNothingScheduled} when none is.
    /// Emits {UpgradeCancelled}.
    function cancelUpgrade() external;

    /// @notice The scheduled upgrade: its implementation and the time (seconds) from which it may be executed;
    /// both zero when none is scheduled.
    function pendingUpgrade() external view returns (address implementation, uint48 readyAt);

    /// @notice How long (seconds) a scheduled upgrade waits before it may be executed.
    function upgradeDelay() external view returns (uint48);

    /// @notice The account that schedules, cancels and executes upgrades: the bureau's default admin (of the
    /// participant registry's {IAccessControlDefaultAdminRules}).
    function upgradeAdmin() external view returns (address);
}
