/**
 * The fee fields of every transaction our tools send: a legacy (type 0) transaction at gas price 0. A ledger chain
 * meters gas but charges nothing (our node's fixed gas price, Besu with `zeroBaseFee` and `--min-gas-price=0`), and
 * the accounts hold no ether. Set explicitly, as the API's sender does (api/chain/account-sender.ts), so that the
 * deployment does not depend on what a chain answers to `eth_gasPrice` or `eth_maxPriorityFeePerGas`.
 */
export const ZERO_FEE = { gasPrice: 0n, type: 0 } as const;
