// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ContextUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ContextUpgradeable.sol";
import {IDelayedUpgrades} from "../interfaces/IDelayedUpgrades.sol";

/// @title DelayedUpgrades
/// @notice See {IDelayedUpgrades}: OpenZeppelin's UUPS upgrade, authorised only for the implementation the
/// bureau's default admin scheduled, and only once the upgrade delay has passed.
/// @dev The schedule lives in ERC-7201 namespaced storage, like the state of OpenZeppelin's upgradeable bases, so
/// that it never moves whatever the inheriting contract declares. The inheriting contract names the admin
/// ({_upgradeAdmin}) and calls {_initDelayedUpgrades} from its initializer.
abstract contract DelayedUpgrades is IDelayedUpgrades, Initializable, ContextUpgradeable, UUPSUpgradeable {
    /// @dev The longest delay accepted: since only an upgrade can change it, a longer one (a typo) would freeze
    /// the contract's code for good.
    uint48 private constant _MAX_DELAY = 365 days;

    /// @dev One slot: pending implementation (20) | readyAt (6) | delay (6). Append-only, like all upgradeable
    /// storage (docs/upgrades.md).
    /// @custom:storage-location erc7201:einvoice.storage.DelayedUpgrades
    struct DelayedUpgradesStorage {
        address pending;
        uint48 readyAt;
        uint48 delay;
    }

    // keccak256(abi.encode(uint256(keccak256("einvoice.storage.DelayedUpgrades")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0xe3601844fc2a61bd208e74950b45b016e0c55397958def913075c923a73fc900;

    /// @inheritdoc IDelayedUpgrades
    function scheduleUpgrade(address implementation) external {
        address caller = _requireUpgradeAdmin();
        DelayedUpgradesStorage storage $ = _delayedUpgradesStorage();
        if ($.pending != address(0)) revert DelayedUpgradesAlreadyScheduled($.pending, $.readyAt);
        if (implementation.code.length == 0) revert DelayedUpgradesNotAContract(implementation);
        uint48 readyAt = uint48(block.timestamp) + $.delay;
        $.pending = implementation;
        $.readyAt = readyAt;
        emit UpgradeScheduled(implementation, readyAt, caller);
    }

    /// @inheritdoc IDelayedUpgrades
    function cancelUpgrade() external {
        address caller = _requireUpgradeAdmin();
        DelayedUpgradesStorage storage $ = _delayedUpgradesStorage();
        address scheduled = $.pending;
        if (scheduled == address(0)) revert DelayedUpgradesNothingScheduled();
        $.pending = address(0);
        $.readyAt = 0;
        emit UpgradeCancelled(scheduled, caller);
    }

    /// @inheritdoc IDelayedUpgrades
    function pendingUpgrade() external view returns (address implementation, uint48 readyAt) {
        DelayedUpgradesStorage storage $ = _delayedUpgradesStorage();
        return ($.pending, $.readyAt);
    }

    /// @inheritdoc IDelayedUpgrades
    function upgradeDelay() external view returns (uint48) {
        return _delayedUpgradesStorage().delay;
    }

    /// @inheritdoc IDelayedUpgrades
    function upgradeAdmin() external view returns (address) {
        return _upgradeAdmin();
    }

    /// @dev Called by the inheriting contract's initializer.
    function _initDelayedUpgrades(uint48 delay) internal onlyInitializing {
        if (delay == 0 || delay > _MAX_DELAY) revert DelayedUpgradesInvalidDelay(delay);
        _delayedUpgradesStorage().delay = delay;
    }

    /// @dev UUPS's hook, run by `upgradeToAndCall` before it switches the implementation: the one way to
    /// execute a scheduled upgrade. Consumes the schedule.
    function _authorizeUpgrade(address implementation) internal override {
        address caller = _requireUpgradeAdmin();
        DelayedUpgradesStorage storage $ = _delayedUpgradesStorage();
        address scheduled = $.pending;
        if (scheduled == address(0) || implementation != scheduled) {
            revert DelayedUpgradesNotScheduled(implementation, scheduled);
        }
        uint48 currentTime = uint48(block.timestamp);
        if (currentTime < $.readyAt) revert DelayedUpgradesNotReady(implementation, $.readyAt, currentTime);
        $.pending = address(0);
        $.readyAt = 0;
        emit UpgradeExecuted(implementation, caller);
    }

    /// @dev The bureau's default admin, as the inheriting contract knows it.
    function _upgradeAdmin() internal view virtual returns (address);

    function _requireUpgradeAdmin() private view returns (address caller) {
        caller = _msgSender();
        if (caller != _upgradeAdmin()) revert DelayedUpgradesUnauthorized(caller);
    }

    function _delayedUpgradesStorage() private pure returns (DelayedUpgradesStorage storage $) {
        // The one way to address ERC-7201 namespaced storage (as OpenZeppelin's upgradeable contracts do).
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
