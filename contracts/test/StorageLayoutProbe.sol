// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DelayedUpgrades} from "../proxy/DelayedUpgrades.sol";

/// @dev Never deployed. solc reports the layout of state variables only, so this declares the namespaced upgrade
/// schedule of {DelayedUpgrades} as one, which puts its members into the build's storage layout, where the
/// append-only check of test/contracts/storage-layout.test.ts sees them.
contract StorageLayoutProbe {
    DelayedUpgrades.DelayedUpgradesStorage private _delayedUpgrades;
}
