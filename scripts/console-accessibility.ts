import { readFileSync } from "node:fs";

import { startConsoleSystem } from "../test/console/helpers/console-system";

/**
 * The console's accessibility report: axe-core (WCAG 2.0/2.1 A and AA, and its best practices) on every main page
 * of the four roles over the seeded demo, every violation whatever its impact (the tests fail on serious and
 * critical ones), and the rules it could not decide. Exits non-zero when any page has a violation.
 *
 *   npm run console:a11y
 */
const PAGES: [string, "bureau" | "enterprise" | "individual" | "merchant", string, boolean?][] = [
  ["bureau search", "bureau", "/console/bureau/search"],
  ["bureau dashboard", "bureau", "/console/bureau/dashboard"],
  ["bureau anomalies", "bureau", "/console/bureau/anomalies"],
  ["bureau participants", "bureau", "/console/bureau/participants"],
  ["bureau quotas", "bureau", "/console/bureau/quotas"],
  ["finance inbox", "enterprise", "/console/finance/inbox"],
  ["finance filing", "enterprise", "/console/finance/filing"],
  ["finance pool", "enterprise", "/console/finance/pool"],
  ["finance credit notes", "enterprise", "/console/finance/credit-notes"],
  ["finance employees", "enterprise", "/console/finance/employees"],
  ["finance totals", "enterprise", "/console/finance/totals"],
  ["employee folder", "individual", "/console/me/folder", true],
  ["employee claim", "individual", "/console/me/claim", true],
  ["merchant invoices", "merchant", "/console/merchant/invoices"],
  ["merchant issue", "merchant", "/console/merchant/issue"],
  ["merchant quota", "merchant", "/console/merchant/quota"],
  ["merchant webhooks", "merchant", "/console/merchant/webhooks"],
];

async function main() {
  const cs = await startConsoleSystem();
  const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const totals: Record<string, number> = {};
  try {
    for (const [name, role, path, phone] of PAGES) {
      const { context, page } = await cs.open({ phone: phone === true });
      await cs.signIn(page, cs.party(role));
      await page.goto(`${cs.url}${path}`);
      await page.locator("main h1").first().waitFor();
      await page.waitForFunction("document.querySelectorAll('.view-loading').length === 0", undefined, { timeout: 30_000 });
      await page.addScriptTag({ content: axe });
      const result = (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa","best-practice"] } }).then((r) => ({ violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })), passes: r.passes.length, incomplete: r.incomplete.map((v) => v.id) }))`)) as { violations: { id: string; impact: string; nodes: number }[]; passes: number; incomplete: string[] };
      for (const v of result.violations) totals[v.impact] = (totals[v.impact] ?? 0) + 1;
      console.log(`${name}: ${result.passes} rules passed; violations ${JSON.stringify(result.violations)}; needs review ${JSON.stringify(result.incomplete)}`);
      await context.close();
    }
  } finally {
    await cs.close();
  }
  console.log("violations by impact:", JSON.stringify(totals));
  if (Object.keys(totals).length > 0) process.exitCode = 1;
}
main().catch((e) => { console.error(e); process.exit(1); });
