import { expect } from "chai";

/**
 * A verification's answer (or a trace) without the block it reflects (`asOfBlock`, which moves on with the chain),
 * once that is checked to be a block number: what tests compare.
 */
export function verdictOf(body: unknown): Record<string, any> {
  const { asOfBlock, ...verdict } = body as { asOfBlock?: unknown };
  expect(asOfBlock, JSON.stringify(body)).to.be.a("number");
  return verdict;
}
