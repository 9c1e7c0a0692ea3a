import { lookup } from "node:dns/promises";

import ipaddr from "ipaddr.js";

import { ApiError } from "../errors";

/**
 * Keeps subscriber URLs off the operator's own network (SSRF): a webhook is a request the API makes on a
 * party's behalf, from inside the operator's network, to an address the party chose. Only http and https, no
 * credentials in the URL; the host is resolved and every address it resolves to must be public unicast (ipaddr.js
 * `range()`): no private (RFC 1918), loopback, link-local (169.254.0.0/16, the cloud metadata address
 * 169.254.169.254 among them), multicast, unique-local (fc00::/7), carrier-grade NAT (100.64.0.0/10, where some
 * clouds put their metadata), unspecified, broadcast, reserved, or IPv6 forms that carry an IPv4 address (mapped,
 * NAT64, 6to4, Teredo) unless that address is public. A host with one refused address is refused: a resolver
 * that answers both could be asked to give the private one at delivery time.
 *
 * The check is made when a subscription is created and again at every delivery, and the delivery connects to
 * the address that was checked (api/webhooks/sender.ts), never resolving the name a second time: a name whose
 * answer changes between the check and the connection (DNS rebinding) cannot redirect it. Redirects are not followed.
 *
 * `allowed` (API_WEBHOOK_ALLOWED_NETWORKS) lets given networks through anyway: "loopback" for development and tests,
 * or CIDRs (an internal receiver the operator means to reach).
 */
export type WebhookUrlRefusal = "scheme" | "credentials" | "host" | "unresolvable" | "address";

export interface ResolvedTarget {
  url: URL;
  /** The host as the URL names it, without IPv6 brackets. */
  host: string;
  /** The address that was checked: the one to connect to. */
  address: string;
  family: 4 | 6;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Addresses that API_WEBHOOK_ALLOWED_NETWORKS lets through beyond public unicast. */
export interface NetworkAllowance {
  cidrs: readonly Cidr[];
}

const LOOPBACK = ["127.0.0.0/8", "::1/128"];

/** Parses the setting's entries: "loopback", a CIDR, or one address; throws on anything else. */
export function networkAllowance(entries: readonly string[]): NetworkAllowance {
  const cidrs: Cidr[] = [];
  for (const entry of entries.flatMap((e) => (e === "loopback" ? LOOPBACK : [e]))) {
    if (ipaddr.isValidCIDR(entry)) cidrs.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      cidrs.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else throw new Error(`API configuration: API_WEBHOOK_ALLOWED_NETWORKS entries must be loopback, a CIDR or an address, not ${entry}`);
  }
  return { cidrs };
}

export const webhookUrlNotAllowed = (reason: WebhookUrlRefusal, details: { range?: string } = {}) =>
  new ApiError(422, "WEBHOOK_URL_NOT_ALLOWED", `the webhook URL is not allowed (${reason}${details.range === undefined ? "" : `: ${details.range}`})`, { reason, ...details });

/** The range that refuses `text` (an address), or undefined when it may be reached. */
function refusedRange(text: string, allowance: NetworkAllowance): string | undefined {
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
  const address = ipaddr.process(text);
  if (allowance.cidrs.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits))) return undefined;
  const range = address.range();
  return range === "unicast" ? undefined : range;
}

/** The URL's form (scheme, no credentials, a host); throws WEBHOOK_URL_NOT_ALLOWED. */
export function checkUrlForm(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw webhookUrlNotAllowed("scheme");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw webhookUrlNotAllowed("scheme");
  if (url.username !== "" || url.password !== "") throw webhookUrlNotAllowed("credentials");
  if (url.hostname === "") throw webhookUrlNotAllowed("host");
  return url;
}

/**
 * Resolves the URL's host and checks every address; the first is the one to connect to. Throws
 * WEBHOOK_URL_NOT_ALLOWED (reason `unresolvable` when the name has no address, `address` with the `range` of a
 * refused one; the address itself is not told, so the check does not map the operator's network).
 */
export async function resolveTarget(text: string, allowance: NetworkAllowance, timeoutMs: number): Promise<ResolvedTarget> {
  const url = checkUrlForm(text);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: ipaddr.parse(host).kind() === "ipv4" ? 4 : 6 }];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        lookup(host, { all: true, verbatim: true }),
        new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error("DNS lookup timed out")), timeoutMs))),
      ]);
    } catch {
      throw webhookUrlNotAllowed("unresolvable");
    } finally {
      clearTimeout(timer);
    }
  }
  if (addresses.length === 0) throw webhookUrlNotAllowed("unresolvable");
  for (const { address } of addresses) {
    const range = refusedRange(address, allowance);
    if (range !== undefined) throw webhookUrlNotAllowed("address", { range });
  }
  const first = addresses[0]!;
  return { url, host, address: first.address, family: first.family === 6 ? 6 : 4 };
}
