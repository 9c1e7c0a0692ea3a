import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

import { periodOf } from "../../api/domain/tax-period";
import { ApiClient, expectStatus } from "../lib/api-client";
import { invoiceBody, randomTaxpayerId } from "../lib/demo-data";
import { keyOf, openDemoKeys } from "./demo-keys";

/**
 * Fills a running system with a demo through the public API, the way real users would: the bureau
 * registers two merchants and two enterprises, grants quotas; the enterprises register employees; the
 * merchants issue invoices; employees claim and submit; enterprises reject, reimburse and file; a merchant
 * reverses; the bureau freezes one. Every state appears at least once. Every party's API key (the bureau's
 * first one included) is saved in `<data dir>/demo/keys.json` as it is registered (demo-keys.ts); the data
 * directory is the one the bureau's key file is in (`<data dir>/api/bureau-api-key`) unless `dataDir` says.
 * Returns a summary for a person: where the keys are, and a command to try as each role.
 */
export async function seedDemo(apiUrl: string, bureauKeyFile: string, options: { dataDir?: string } = {}): Promise<string> {
  const bureauKey = readFileSync(bureauKeyFile, "utf8").trim();
  const api = new ApiClient(apiUrl, bureauKey);
  const period = periodOf(new Date());
  const run = Date.now().toString(36);
  const keys = await openDemoKeys(join(options.dataDir ?? dirname(dirname(resolve(bureauKeyFile))), "demo", "keys.json"), apiUrl);

  // The officer whose key the API wrote at its first start: the one nobody registered.
  const officers = expectStatus(await api.get("/v1/participants?role=bureau&limit=500"), 200, "list bureau officers").participants as { account: string; name: string; registeredBy: string | null }[];
  const officer = officers.find((o) => o.registeredBy === null) ?? officers[0];
  if (officer === undefined) throw new Error("the bureau's key reads no bureau officer");
  await keys.add({ role: "bureau", name: officer.name, account: officer.account, apiKey: bureauKey });

  const register = async (role: "merchant" | "enterprise", name: string) => {
    const body = expectStatus(await api.post("/v1/participants", { role, name, taxpayerId: randomTaxpayerId() }), 201, `register ${name}`);
    const party = { account: body.participant.account as string, taxpayerId: body.participant.taxpayerId as string, name, client: api.as(body.apiKey as string) };
    await keys.add({ role, name, account: party.account, taxpayerId: party.taxpayerId, apiKey: body.apiKey as string });
    return party;
  };
  const merchantA = await register("merchant", "深圳市南山示范餐饮有限公司");
  const merchantB = await register("merchant", "深圳市福田示范酒店有限公司");
  const enterpriseA = await register("enterprise", "深圳市前海示范科技有限公司");
  const enterpriseB = await register("enterprise", "深圳市罗湖示范贸易有限公司");
  for (const merchant of [merchantA, merchantB]) expectStatus(await api.put(`/v1/merchants/${merchant.account}/quotas/${period}`, { granted: "100000000" }), 200, "quota");

  const employee = async (enterprise: typeof enterpriseA, name: string, employeeNumber: string) => {
    const body = expectStatus(await enterprise.client.post("/v1/employees", { name, employeeNumber }), 201, `employee ${name}`);
    await keys.add({ role: "individual", name, account: body.participant.account as string, employer: enterprise.account, apiKey: body.apiKey as string });
    return { account: body.participant.account as string, client: enterprise.client.as(body.apiKey as string) };
  };
  const zhang = await employee(enterpriseA, "张三", "A-001");
  const li = await employee(enterpriseA, "李四", "A-002");
  const wang = await employee(enterpriseB, "王五", "B-001");

  const buyerA = { type: "organisation" as const, name: enterpriseA.name, taxpayerId: enterpriseA.taxpayerId };
  const batch = expectStatus(
    await merchantA.client.post(
      "/v1/invoices/batch",
      { invoices: Array.from({ length: 8 }, (_, i) => invoiceBody(`demo-${run}-${i}`, buyerA, { quantity: i + 1, unitPrice: 8_800 })) },
      { "idempotency-key": `demo-batch-${run}` },
    ),
    201,
    "batch issue",
  );
  const issued = (batch.results as { invoice: { id: string; claimCode: string } }[]).map((r) => r.invoice);
  const single = expectStatus(await merchantB.client.post("/v1/invoices", invoiceBody(`demo-${run}-hotel`, { type: "individual", name: "王五" }, { item: "住宿服务", unitPrice: 45_000 })), 201, "issue");

  const claim = async (who: typeof zhang, invoice: { id: string; claimCode: string }) =>
    expectStatus(await who.client.post(`/v1/invoices/${invoice.id}/claim`, { claimCode: invoice.claimCode }), 200, "claim");
  const submit = async (who: typeof zhang, id: string, enterprise: string) => expectStatus(await who.client.post(`/v1/invoices/${id}/submit`, { enterprise }), 200, "submit");
  const [i0, i1, i2, i3, i4, i5, i6] = issued as [typeof issued[0], typeof issued[0], typeof issued[0], typeof issued[0], typeof issued[0], typeof issued[0], typeof issued[0]];
  // i0 stays Issued and unclaimed; i1 claimed only.
  await claim(zhang, i1);
  // i2 Locked (submitted), i3 Reimbursed, i4 Filed, i5 rejected then resubmitted and reimbursed.
  for (const invoice of [i2, i3, i4, i5]) {
    await claim(invoice === i5 ? li : zhang, invoice);
  }
  await submit(zhang, i2.id, enterpriseA.account);
  await submit(zhang, i3.id, enterpriseA.account);
  expectStatus(await enterpriseA.client.post(`/v1/invoices/${i3.id}/reimburse`), 200, "reimburse");
  await submit(zhang, i4.id, enterpriseA.account);
  expectStatus(await enterpriseA.client.post(`/v1/invoices/${i4.id}/reimburse`), 200, "reimburse");
  expectStatus(await enterpriseA.client.post(`/v1/invoices/${i4.id}/file`, { period }), 200, "file");
  await submit(li, i5.id, enterpriseA.account);
  expectStatus(await enterpriseA.client.post(`/v1/invoices/${i5.id}/reject`, { reason: "MISSING_RECEIPT" }), 200, "reject");
  // i6 reversed in full by the merchant; the last one partly reversed and frozen by the bureau.
  expectStatus(await merchantA.client.post(`/v1/invoices/${i6.id}/reversals`, { reference: `demo-${run}-refund`, reason: "sales-return" }), 201, "reverse");
  const last = issued[7]!;
  expectStatus(await merchantA.client.post(`/v1/invoices/${last.id}/reversals`, { reference: `demo-${run}-discount`, reason: "discount", total: "1060", tax: "60" }), 201, "partial reverse");
  expectStatus(await api.post(`/v1/invoices/${last.id}/freeze`, { reason: "AUDIT" }), 200, "freeze");
  // The hotel invoice: claimed and submitted by Wang Wu at his employer.
  await claim(wang, single.invoice);
  await submit(wang, single.invoice.id, enterpriseB.account);

  const sample = expectStatus(await merchantA.client.get(`/v1/invoices/${i4.id}`), 200, "read");
  const file = shown(keys.file);
  const as = (role: Parameters<typeof keyOf>[1]) => `-H "Authorization: Bearer ${keyOf(file, role)}"`;
  return [
    "Demo seeded:",
    `  merchants    ${merchantA.name} ${merchantA.account}, ${merchantB.name} ${merchantB.account}`,
    `  enterprises  ${enterpriseA.name} ${enterpriseA.account}, ${enterpriseB.name} ${enterpriseB.account}`,
    `  employees    3 (names kept off chain in the API's store)`,
    `  invoices     ${issued.length + 1}: Issued, claimed, Locked, Reimbursed, Filed, rejected, Reversed, partly reversed + Frozen`,
    `  API keys     ${file} (mode 0600): every party's role, name, account, taxpayer ID and key`,
    "Try it as each role (the first party of each role in that file):",
    `  bureau       curl ${as("bureau")} ${apiUrl}/v1/participants`,
    `  merchant     curl ${as("merchant")} '${apiUrl}/v1/invoices?limit=5'`,
    `  enterprise   curl ${as("enterprise")} '${apiUrl}/v1/invoices?state=Locked'`,
    `  employee     curl ${as("individual")} ${apiUrl}/v1/invoices`,
    `  verify one   curl '${apiUrl}/v1/verify?number=${sample.number}&checkCode=${sample.checkCode}&total=${sample.total}'`,
    `  trace it     curl ${as("bureau")} ${apiUrl}/v1/invoices/${i4.id}/trace`,
    `Or in a browser: ${apiUrl}/console, signed in with any key of that file (the bureau, a merchant, an enterprise, an employee).`,
  ].join("\n");
}

/** A path as a person types it from here: relative (with ./, so that `require` reads the file) when it is below the working directory. */
function shown(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside.startsWith("..") || isAbsolute(inside) ? file : `./${inside}`;
}
