import { FORWARD_REQUEST_TYPES } from "../../../lib/forward-request";
import type { RouteExample } from "../openapi";
import { EXAMPLE_CAST, EXAMPLE_INVOICE, exampleError, exampleInvoice } from "./example-cast";

/**
 * Examples of the self-custody routes (routes/forward.ts, registrations.ts, custody.ts), in the story of
 * example-cast.ts: 王芳, a person with a key of her own (made on her phone; the API never sees it), registers
 * herself, claims the story's invoice with a request she signs, and relays it. Signatures cannot be made up: the
 * test that sends the examples signs fresh ones with keys it makes (test/api/api.openapi-examples.test.ts, GIVEN).
 */
export const EXAMPLE_SELF = {
  /** 王芳's account (the address of her own key). */
  account: "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A",
  name: "王芳",
  /** Made-up contract addresses of the example deployment. */
  ledger: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  registry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  forwarder: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  chainId: 31_337,
  deadline: "4102444800",
  signature: "0x895b0c7edce75d36f8935fa32ca78e298deebd9c10e281a14a3e3eedfc4966794bb4ecbeebb784ec067c70f20975bca4b9d8fd54439337d9ef09a75f079e01b71c",
  /** claim(invoiceId, commitment, claim signature), as POST /v1/forward/claim-data answers it (its first bytes: the selector and the invoice id). */
  claimData: "0x082d4c6aa3b9ff142b6c1dace3b2e8ed1f92de37708668bbd5195338611d1e6e64701f64",
} as const;


const claimRequest = (changes: Record<string, unknown> = {}) => ({
  request: { from: EXAMPLE_SELF.account, to: EXAMPLE_SELF.ledger, value: "0", gas: "300000", nonce: "0", deadline: EXAMPLE_SELF.deadline, data: EXAMPLE_SELF.claimData, ...changes },
  signature: EXAMPLE_SELF.signature,
});

export const forwardExamples = {
  domain: {
    domain: {
      summary: "王芳 asks what to sign: the forwarder's EIP-712 domain, her next nonce, and the calls she may relay",
      as: "individual",
      status: 200,
      response: {
        domain: { name: "EInvoiceLedgerForwarder", version: "1", chainId: EXAMPLE_SELF.chainId, verifyingContract: EXAMPLE_SELF.forwarder },
        primaryType: "ForwardRequest",
        types: FORWARD_REQUEST_TYPES,
        from: EXAMPLE_SELF.account,
        nonce: "0",
        targets: { ledger: EXAMPLE_SELF.ledger, registry: EXAMPLE_SELF.registry },
        allowedCalls: { ledger: ["claim", "transfer", "submit"], registry: [] },
        value: "0",
        maxGas: "1000000",
      },
    },
  },
  claimData: {
    claim: {
      summary: "王芳 has the invoice's claim code: the API answers the claim call for her to sign (it holds the invoice's commitment)",
      as: "individual",
      body: { invoiceId: EXAMPLE_INVOICE.id, claimCode: EXAMPLE_INVOICE.claimCode },
      status: 200,
      response: { to: EXAMPLE_SELF.ledger, data: EXAMPLE_SELF.claimData },
    },
  },
  forward: {
    claim: {
      summary: "王芳 claims the invoice with a request she signed herself; the ledger records her account as the claimant",
      as: "individual",
      body: claimRequest(),
      status: 200,
      response: exampleInvoice({ holder: EXAMPLE_SELF.account }),
    },
    replayed: {
      summary: "The same signed request sent again: its nonce is used, nothing happens",
      as: "individual",
      body: claimRequest(),
      status: 409,
      response: exampleError("FORWARD_REPLAYED", { nonce: "0", current: "1" }),
    },
    "not-the-ledger": {
      summary: "A request aimed at another contract: only the ledger and the registry are relayed to",
      as: "individual",
      body: claimRequest({ to: EXAMPLE_SELF.forwarder }),
      status: 422,
      response: exampleError("FORWARD_TARGET_NOT_ALLOWED", { to: EXAMPLE_SELF.forwarder, allowed: [EXAMPLE_SELF.ledger, EXAMPLE_SELF.registry] }),
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;

const registrationTypes = {
  SelfRegistration: [
    { name: "account", type: "address" },
    { name: "nameHash", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
};

const registrationBody = { name: EXAMPLE_SELF.name, account: EXAMPLE_SELF.account, deadline: EXAMPLE_SELF.deadline, signature: EXAMPLE_SELF.signature };

export const registrationExamples = {
  domain: {
    domain: {
      summary: "What a person signs to register: the API's EIP-712 domain (bound to this chain and its registry) and the SelfRegistration type",
      status: 200,
      response: { domain: { name: "EInvoiceLedgerApi", version: "1", chainId: EXAMPLE_SELF.chainId, verifyingContract: EXAMPLE_SELF.registry }, types: registrationTypes, primaryType: "SelfRegistration" },
    },
  },
  register: {
    register: {
      summary: "王芳 registers herself with her own key: only her account goes on chain, her name stays here, and the API never holds her key",
      body: registrationBody,
      status: 201,
      response: {
        participant: { account: EXAMPLE_SELF.account, role: "individual", name: EXAMPLE_SELF.name, registeredBy: EXAMPLE_CAST.bureau.account, createdAt: "2026-11-25T02:00:00.000Z" },
        apiKey: "eil_5d1c0e9a4b27_Qm9TlzQn8xW2cVb3Hk7yRr0pLs5dF1gJ",
      },
    },
    replayed: {
      summary: "The same signed registration sent again",
      body: registrationBody,
      status: 409,
      response: exampleError("SIGNATURE_REPLAYED"),
    },
    expired: {
      summary: "A registration signed with a deadline that has passed",
      body: { ...registrationBody, deadline: "1700000000" },
      status: 422,
      response: exampleError("SIGNATURE_EXPIRED", { deadline: "1700000000" }),
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;

const custodyTypes = {
  CustodyChange: [
    { name: "account", type: "address" },
    { name: "custody", type: "string" },
    { name: "deadline", type: "uint256" },
  ],
};

export const custodyExamples = {
  get: {
    hosted: {
      summary: "张三's custody: the API holds his key, and what he would sign to take it over",
      as: "individual",
      status: 200,
      response: {
        account: EXAMPLE_CAST.employee.account,
        custody: "hosted",
        signing: { domain: { name: "EInvoiceLedgerApi", version: "1", chainId: EXAMPLE_SELF.chainId, verifyingContract: EXAMPLE_SELF.registry }, types: custodyTypes, primaryType: "CustodyChange" },
      },
    },
  },
  exportKey: {
    export: {
      summary: "Step one of taking over his key: 张三 gets a copy of his hosted key; nothing changes yet",
      as: "individual",
      status: 200,
      response: { account: EXAMPLE_CAST.employee.account, privateKey: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318" },
    },
    "a-merchant": {
      summary: "A merchant's key stays hosted: issuing needs the API to store the document before the seal",
      as: "merchant",
      status: 422,
      response: exampleError("CUSTODY_NOT_AVAILABLE", { role: "merchant" }),
    },
    "self-already": {
      summary: "王芳 keeps her own key: the API has none to give",
      as: "individual",
      status: 409,
      response: exampleError("SELF_CUSTODY", { account: EXAMPLE_SELF.account }),
    },
  },
  toSelf: {
    "to-self": {
      summary: "Step two: 张三 signs a CustodyChange to self with the key; the API deletes its copy and records the change",
      as: "individual",
      body: { deadline: EXAMPLE_SELF.deadline, signature: EXAMPLE_SELF.signature },
      status: 200,
      response: { account: EXAMPLE_CAST.employee.account, custody: "self" },
    },
    "self-already": {
      summary: "王芳 keeps her own key already",
      as: "individual",
      body: { deadline: EXAMPLE_SELF.deadline, signature: EXAMPLE_SELF.signature },
      status: 409,
      response: exampleError("CUSTODY_UNCHANGED", { custody: "self" }),
    },
    "wrong-key": {
      summary: "A signature made with another key: no proof that 张三 holds his, nothing changes",
      as: "individual",
      body: { deadline: EXAMPLE_SELF.deadline, signature: EXAMPLE_SELF.signature },
      status: 422,
      response: exampleError("SIGNATURE_INVALID", { account: EXAMPLE_CAST.employee.account }),
    },
  },
  toHosted: {
    "to-hosted": {
      summary: "王芳 hands the API her key: from now on it signs for her",
      as: "individual",
      body: { privateKey: "0x1111111111111111111111111111111111111111111111111111111111111111" },
      status: 200,
      response: { account: EXAMPLE_SELF.account, custody: "hosted" },
    },
    "hosted-already": {
      summary: "张三's key is hosted already",
      as: "individual",
      body: { privateKey: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318" },
      status: 409,
      response: exampleError("CUSTODY_UNCHANGED", { custody: "hosted" }),
    },
    "not-her-key": {
      summary: "A key that is not the account's",
      as: "individual",
      body: { privateKey: "0x2222222222222222222222222222222222222222222222222222222222222222" },
      status: 422,
      response: exampleError("CUSTODY_KEY_MISMATCH", { account: EXAMPLE_CAST.employee.account }),
    },
  },
  changes: {
    "of-a-party": {
      summary: "The bureau reads the custody changes of one party: who changed it, when, from what to what",
      as: "bureau",
      query: { account: EXAMPLE_CAST.employee.account },
      status: 200,
      response: { changes: [{ id: "7", at: "2026-11-25T10:02:11.000Z", account: EXAMPLE_CAST.employee.account, from: "hosted", to: "self", changedBy: EXAMPLE_CAST.employee.account }] },
    },
  },
} satisfies Record<string, Record<string, RouteExample>>;
