// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Tax periods
/// @notice A tax period is a calendar month in China Standard Time (UTC+8), written YYYYMM as a number,
/// e.g. 202611 for November 2026.
library TaxPeriods {
    uint256 private constant _CST_OFFSET = 8 hours;

    /// @notice The period that `timestamp` (seconds since the Unix epoch) falls in.
    function periodOf(uint256 timestamp) internal pure returns (uint24) {
        (uint256 year, uint256 month) = _civilFromDays((timestamp + _CST_OFFSET) / 1 days);
        return uint24(year * 100 + month);
    }

    /// @notice Whether `period` is a well-formed YYYYMM from 1970 on.
    function isValid(uint24 period) internal pure returns (bool) {
        uint256 month = period % 100;
        return period / 100 >= 1970 && month >= 1 && month <= 12;
    }

    /// @notice The number of months from January of year 0 to `period`, so that consecutive periods have
    /// consecutive indexes (202612 -> 202701 is one step). `period` must be valid.
    function monthIndexOf(uint24 period) internal pure returns (uint256) {
        return uint256(period / 100) * 12 + period % 100 - 1;
    }

    /// @notice The period of a month index; the inverse of {monthIndexOf}.
    function periodAt(uint256 monthIndex) internal pure returns (uint24) {
        return uint24((monthIndex / 12) * 100 + monthIndex % 12 + 1);
    }

    /// @dev Year and month of a day count since 1970-01-01 in the proleptic Gregorian calendar
    /// (H. Hinnant's `civil_from_days`, restricted to non-negative day counts).
    function _civilFromDays(uint256 dayCount) private pure returns (uint256 year, uint256 month) {
        uint256 z = dayCount + 719_468;
        uint256 era = z / 146_097;
        uint256 dayOfEra = z - era * 146_097;
        uint256 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        uint256 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        uint256 shiftedMonth = (5 * dayOfYear + 2) / 153; // 0 = March ... 11 = February
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    }
}
