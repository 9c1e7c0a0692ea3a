// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Unified social credit codes (统一社会信用代码, GB 32100-2015)
/// @notice An organisation's public taxpayer ID: 18 characters from a 31-character alphabet
/// (digits and capital letters without I, O, Z, S, V); the last one is a check character.
/// @dev Runs once per invoice in a batch issue, so it reads the code as one word and its tables as
/// little-endian byte arrays packed in constants (byte k of a table is `(table >> (8 * k)) & 0xff`).
library TaxpayerIds {
    /// @dev Value in the alphabet of each character '0'..'O' (0x30..0x4f); 0xff where a character is not in it.
    uint256 private constant _VALUES_LOW = 0xff1615141312ff11100f0e0d0c0b0affffffffffffff09080706050403020100;
    /// @dev The same for 'P'..'Y' (0x50..0x59).
    uint256 private constant _VALUES_HIGH = 0x1e1d1cff1b1aff191817;
    /// @dev Weight of each of the first 17 characters: 3^i mod 31.
    uint256 private constant _WEIGHTS = 0x1c1e0a18080d191d1411101a131b090301;
    /// @dev The alphabet in value order (byte k is the character of value k).
    uint256 private constant _ALPHABET = 0x59585755545251504e4d4c4b4a484746454443424139383736353433323130;
    uint256 private constant _MODULUS = 31;

    /// @notice Whether `id` is a well-formed code whose check character is right.
    function isValid(bytes18 id) internal pure returns (bool) {
        uint256 word = uint256(uint144(id));
        uint256 sum;
        unchecked {
            for (uint256 i; i < 17; ++i) {
                uint256 char = (word >> ((17 - i) * 8)) & 0xff;
                if (char < 0x30 || char > 0x59) return false;
                uint256 offset = char - 0x30;
                uint256 value = offset < 32
                    ? (_VALUES_LOW >> (offset * 8)) & 0xff
                    : (_VALUES_HIGH >> ((offset - 32) * 8)) & 0xff;
                if (value == 0xff) return false;
                sum += value * ((_WEIGHTS >> (i * 8)) & 0xff);
            }
            uint256 check = (_MODULUS - (sum % _MODULUS)) % _MODULUS;
            return word & 0xff == (_ALPHABET >> (check * 8)) & 0xff;
        }
    }
}
