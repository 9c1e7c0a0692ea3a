import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import type { Page } from "playwright-core";

import { startConsoleSystem, type ConsoleSystem } from "../test/console/helpers/console-system";

/**
 * The README's pictures of the console: each role's main pages over the seeded demo (the same system and demo as
 * the console's tests), in Chinese, the employee's on a phone. Rerun after a change to the pages:
 *
 *   npm run console:screenshots            # writes docs/images/console-*.png
 */
const OUT = resolve(process.argv[2] ?? join("docs", "images"));

/** Waits until the page shows its data: no loading view left, fonts ready. */
async function settled(page: Page): Promise<void> {
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction("document.querySelectorAll('.view-loading').length === 0", undefined, { timeout: 30_000 });
  await page.evaluate("document.fonts.ready");
  await page.waitForTimeout(300);
}

async function shoot(system: ConsoleSystem, name: string, role: Parameters<ConsoleSystem["party"]>[0], steps: (page: Page) => Promise<void>, options: { phone?: boolean } = {}): Promise<void> {
  const { context, page } = await system.open(options);
  await system.signIn(page, system.party(role));
  await steps(page);
  await settled(page);
  const file = join(OUT, `console-${name}.png`);
  await page.screenshot({ path: file, fullPage: !options.phone });
  process.stdout.write(`${file}\n`);
  await context.close();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const system = await startConsoleSystem();
  try {
    const go = (path: string) => async (page: Page) => void (await page.goto(`${system.url}${path}`));
    await shoot(system, "bureau-search", "bureau", go("/console/bureau/search"));
    await shoot(system, "bureau-invoice", "bureau", async (page) => {
      await page.goto(`${system.url}/console/bureau/search`);
      await page.locator("table tbody tr a").first().click();
      await page.locator(".timeline").waitFor();
    });
    await shoot(system, "bureau-dashboard", "bureau", async (page) => {
      await go("/console/bureau/dashboard")(page);
      await page.locator("canvas").first().waitFor();
    });
    await shoot(system, "finance-inbox", "enterprise", go("/console/finance/inbox"));
    await shoot(system, "employee-folder", "individual", go("/console/me/folder"), { phone: true });
    await shoot(system, "merchant-invoices", "merchant", go("/console/merchant/invoices"));
    await shoot(system, "merchant-issue", "merchant", go("/console/merchant/issue"));
  } finally {
    await system.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
