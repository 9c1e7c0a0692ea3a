// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title LedgerProxy
/// @notice The address under which the participant registry and the invoice ledger live for good: OpenZeppelin's
/// ERC-1967 proxy. It holds the state and delegates every call to the implementation named in the ERC-1967
/// implementation slot; the implementations upgrade themselves (UUPS) after a delay ({IDelayedUpgrades}), so the
/// proxy has no admin and no function of its own.
/// @dev Declared here so that the build compiles it and TypeChain makes a factory for it.
contract LedgerProxy is ERC1967Proxy {
    /// @param implementation the first implementation
    /// @param initializerCall its `initialize(...)` call, run in the proxy's context at deployment (required:
    /// an uninitialised proxy could be initialised by anyone)
    constructor(address implementation, bytes memory initializerCall) ERC1967Proxy(implementation, initializerCall) {}

    /// @dev OpenZeppelin's delegation with one difference: when the implementation runs out of gas, so does the
    /// proxy. Without this, the proxy would revert with empty data from the 1/64 of the gas the EVM keeps back for
    /// it (EIP-150), and a call that needs more gas than it was given would read as an unexplained revert instead of
    /// "out of gas" to every node and client (the ledger node answers OUT_OF_GAS, which the API turns into advice to
    /// its operator). The implementations revert with a custom error or a panic, never with empty data, so a failure
    /// with empty data that used up the forwarded gas is exhausted gas; the proxy then asks for memory no gas can
    /// pay for, which ends the whole call out of gas as it would have ended without a proxy. Success and every
    /// revert with data are untouched.
    function _delegate(address implementation) internal override {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0x00, 0x00, calldatasize())
            let before := gas()
            let result := delegatecall(gas(), implementation, 0x00, calldatasize(), 0x00, 0x00)
            returndatacopy(0x00, 0x00, returndatasize())
            if iszero(result) {
                // Less than 1/32 of the gas left: the implementation consumed (about) all it was given.
                if and(iszero(returndatasize()), lt(gas(), div(before, 32))) { mstore(not(0), 0) }
                revert(0x00, returndatasize())
            }
            return(0x00, returndatasize())
        }
    }
}
