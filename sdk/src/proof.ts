/**
 * Checking an offline proof bundle (GET /v1/invoices/{id}/proof) with nothing but the authority's address: the
 * checker of lib/proof, as it is. Kept in its own module so that a bundle that does not check proofs leaves it out.
 */
export { PROOF_REFUSALS, ProofOptionsError, verifyProofBundle, type ProofRefusalCode, type ProofVerdict, type ProvenFacts, type VerifyOptions as ProofVerifyOptions } from "../../lib/proof/verify-proof-bundle";
