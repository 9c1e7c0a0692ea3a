// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TaxPeriods} from "../libraries/TaxPeriods.sol";
import {TaxpayerIds} from "../libraries/TaxpayerIds.sol";

/// @dev Exposes the libraries to tests, which compare them with independent implementations.
contract LibraryHarness {
    function periodOf(uint256 timestamp) external pure returns (uint24) {
        return TaxPeriods.periodOf(timestamp);
    }

    function isValidPeriod(uint24 period) external pure returns (bool) {
        return TaxPeriods.isValid(period);
    }

    function monthIndexOf(uint24 period) external pure returns (uint256) {
        return TaxPeriods.monthIndexOf(period);
    }

    function periodAt(uint256 monthIndex) external pure returns (uint24) {
        return TaxPeriods.periodAt(monthIndex);
    }

    function isValidTaxpayerId(bytes18 id) external pure returns (bool) {
        return TaxpayerIds.isValid(id);
    }
}
