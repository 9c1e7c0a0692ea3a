import { RLP } from "@ethereumjs/rlp";
import { getBytes, toQuantity } from "ethers";

/**
 * The genesis of a QBFT chain for Hyperledger Besu, as this ledger needs it: Cancun (the contracts are compiled
 * for it), a base fee fixed at zero (`zeroBaseFee`, so that party accounts without ether transact at gas price 0),
 * a block gas limit that holds the API's largest transaction, and the validators in the extraData.
 */
export interface QbftGenesisOptions {
  chainId: number;
  /** Addresses of the validators, in any order (written sorted). */
  validators: string[];
  blockPeriodSeconds: number;
  /** Seconds of the genesis block (0x-less in JSON as a quantity). */
  timestamp: number;
}

/** Holds a batch request of 500 invoices (~26.3 M gas, signed with ~31.6 M) with room; Besu's --rpc-gas-cap default. */
export const BLOCK_GAS_LIMIT = 100_000_000;

/** Every BFT genesis carries this mixHash ("ctical byzantine fault tolerance", Besu's and Quorum's marker). */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

/**
 * QBFT's genesis extraData: RLP([32 bytes of vanity, [validator addresses], no vote (an empty list), round 0,
 * no commit seals (an empty list)]), as Besu's QbftExtraDataCodec encodes it.
 */
export function qbftExtraData(validators: string[]): string {
  const addresses = sortedValidators(validators).map((address) => getBytes(address));
  return `0x${Buffer.from(RLP.encode([new Uint8Array(32), addresses, [], new Uint8Array(), []])).toString("hex")}`;
}

export function sortedValidators(validators: string[]): string[] {
  return [...validators].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

export function qbftGenesis(options: QbftGenesisOptions): Record<string, unknown> {
  return {
    config: {
      chainId: options.chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      qbft: {
        blockperiodseconds: options.blockPeriodSeconds,
        epochlength: 30_000,
        requesttimeoutseconds: Math.max(4, 2 * options.blockPeriodSeconds + 2),
      },
    },
    nonce: "0x0",
    timestamp: toQuantity(options.timestamp),
    gasLimit: toQuantity(BLOCK_GAS_LIMIT),
    baseFeePerGas: "0x0",
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc: {},
    extraData: qbftExtraData(options.validators),
  };
}
