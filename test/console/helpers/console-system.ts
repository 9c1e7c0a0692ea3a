import { readFileSync } from "node:fs";
import { join } from "node:path";

import type { Browser, BrowserContext, Page } from "playwright-core";

import { seedDemo } from "../../../scripts/seed/seed-demo";
import type { DemoKeysFile, DemoParty } from "../../../scripts/seed/demo-keys";
import { launchBrowser } from "../../../scripts/lib/browser";
import { RealProcesses } from "../../api/helpers/processes";
import { startSystem } from "../../api/helpers/system";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require("../../../bin/build-state") as { ensureBuilt(): void };

/**
 * The console against the real system: a ledger node process, the API (which serves the built console at
 * /console), the demo of `npm start -- --seed` (parties of every role, invoices in every state) and Debian's
 * chromium. Each role signs in as a person does: its API key typed into the sign-in form. The API runs in this
 * process by default; `processes: "real"` runs it as its own process from the build, as `npm start` does.
 */
export interface ConsoleSystem {
  /** http://127.0.0.1:<port> */
  url: string;
  browser: Browser;
  /** Every demo party with its key (scripts/seed/seed-demo.ts). */
  parties: DemoParty[];
  /** The demo party of a role (the first, or the one with this name). */
  party(role: DemoParty["role"], name?: string): DemoParty;
  /** A fresh browser context (no cookies) with a page; a phone's viewport when asked. */
  open(options?: { phone?: boolean; locale?: string }): Promise<{ context: BrowserContext; page: Page }>;
  /** Opens /console and signs in with the party's API key, then waits for its menu. */
  signIn(page: Page, party: DemoParty): Promise<void>;
  close(): Promise<void>;
}

/** The system under the console: where its API answers, its data directory, the bureau's first key, and stopping it. */
interface RunningSystem {
  url: string;
  dataDir: string;
  bureauKeyFile: string;
  close(): Promise<void>;
}

async function startRunning(processes: "in-process" | "real"): Promise<RunningSystem> {
  if (processes === "real") {
    const real = await RealProcesses.start();
    return { url: real.api.url, dataDir: real.dataDir, bureauKeyFile: real.api.ready.bureauKeyFile, close: () => real.close() };
  }
  const system = await startSystem();
  return { url: system.api.url, dataDir: system.dataDir, bureauKeyFile: system.api.bureauKeyFile, close: () => system.close() };
}

export async function startConsoleSystem(options: { processes?: "in-process" | "real" } = {}): Promise<ConsoleSystem> {
  ensureBuilt();
  const system = await startRunning(options.processes ?? "in-process");
  try {
    await seedDemo(system.url, system.bureauKeyFile, { dataDir: system.dataDir });
    const keys = JSON.parse(readFileSync(join(system.dataDir, "demo", "keys.json"), "utf8")) as DemoKeysFile;
    const browser = await launchBrowser();
    const url = system.url;
    return {
      url,
      browser,
      parties: keys.parties,
      party(role, name) {
        const found = keys.parties.find((p) => p.role === role && (name === undefined || p.name === name));
        if (found === undefined) throw new Error(`no demo ${role}${name === undefined ? "" : ` named ${name}`}`);
        return found;
      },
      async open(options = {}) {
        const context = await browser.newContext({
          // axe-core is added to the page as a script (seriousViolations): the console's CSP would refuse it.
          bypassCSP: true,
          locale: options.locale ?? "zh-CN",
          timezoneId: "Asia/Shanghai",
          ...(options.phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport: { width: 1280, height: 860 } }),
        });
        return { context, page: await context.newPage() };
      },
      async signIn(page, party) {
        await page.goto(`${url}/console/`);
        await page.locator("#api-key").fill(party.apiKey);
        await page.locator("form button[type=submit]").click();
        await page.locator("nav.side-nav").waitFor();
      },
      async close() {
        await browser.close();
        await system.close();
      },
    };
  } catch (error) {
    await system.close();
    throw error;
  }
}

/** The axe-core rules the console is held to: WCAG 2.0 and 2.1, levels A and AA. */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (from npm) in the page and returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: readFileSync(require.resolve("axe-core/axe.min.js"), "utf8") });
  // A string, evaluated in the page (this file is compiled without the DOM's types).
  const options = JSON.stringify({ runOnly: { type: "tag", values: AXE_TAGS }, resultTypes: ["violations"] });
  const violations = (await page.evaluate(
    `axe.run(document, ${options}).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
