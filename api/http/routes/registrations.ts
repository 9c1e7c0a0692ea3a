import { selfRegisteredView, selfRegistrationBody, signingView } from "../schemas/self-custody";
import { registrationExamples } from "../schemas/self-custody-examples";
import { defineRoute, errorBody, type RouteKit } from "../route";

/** Self-registration of individuals with a key of their own (services/self-registration.ts); public, rate limited per client address. */
export function registrationRoutes(kit: RouteKit): void {
  const { selfRegistration } = kit.ctx.services;

  defineRoute(kit, {
    method: "get",
    path: "/v1/registrations/domain",
    operationId: "getRegistrationDomain",
    summary: "What to sign to register yourself: the API's EIP-712 domain and the SelfRegistration type (public)",
    tag: "self custody",
    access: "public",
    responses: { 200: { description: "The domain and types", schema: signingView } },
    examples: registrationExamples.domain,
    async handle() {
      return { status: 200, body: selfRegistration.signing() };
    },
  });

  defineRoute(kit, {
    method: "post",
    path: "/v1/registrations",
    operationId: "registerSelf",
    summary: "Register yourself as an individual with your own key, proved by your signature (public); your name stays off chain, the API never holds your key",
    tag: "self custody",
    access: "public",
    body: selfRegistrationBody,
    responses: {
      201: { description: "Registered on chain, in self custody; the API key is shown once", schema: selfRegisteredView },
      409: { description: "SIGNATURE_REPLAYED: this signed registration was accepted before; ALREADY_REGISTERED: the account is registered", schema: errorBody },
      422: { description: "SIGNATURE_EXPIRED, SIGNATURE_INVALID (not the account's signature over this name and deadline)", schema: errorBody },
    },
    examples: registrationExamples.register,
    async handle({ body }) {
      return { status: 201, body: await selfRegistration.register(body) };
    },
  });
}
