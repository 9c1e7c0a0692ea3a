// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @title LedgerForwarder
/// @notice OpenZeppelin's ERC-2771 forwarder under the ledger's own EIP-712 name. A party signs a request
/// with its own key; the API relays it, and the ledger records the party, never the relayer, as the actor.
/// Nonces and deadlines in the signed request make a relayed request impossible to replay.
contract LedgerForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("EInvoiceLedgerForwarder") {}
}
