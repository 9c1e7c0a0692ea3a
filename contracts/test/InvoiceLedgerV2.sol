// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {InvoiceLedger} from "../InvoiceLedger.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";

/// @dev A successor of the ledger for the upgrade tests: everything of {InvoiceLedger}, one variable appended
/// after its variables (as the storage rule says), a re-initializer that sets it, and a new function.
contract InvoiceLedgerV2 is InvoiceLedger {
    bytes32 private _upgradeNote;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IParticipantRegistry participantRegistry, address trustedForwarder)
        InvoiceLedger(participantRegistry, trustedForwarder)
    {}

    /// @dev Run through `upgradeToAndCall`, once: the migration step of version 2.
    function initializeV2(bytes32 note) external reinitializer(2) {
        _upgradeNote = note;
    }

    /// @dev The new function: the note its migration step recorded.
    function upgradeNote() external view returns (bytes32) {
        return _upgradeNote;
    }
}
