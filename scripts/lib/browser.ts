import { chromium, type Browser } from "playwright-core";

/**
 * Debian's chromium (apt, /usr/bin/chromium; `.ci/run` installs it), driven by playwright-core: never a
 * downloaded browser. CHROMIUM_PATH names another binary. What the tests, the bench and the console's
 * screenshots all launch; `args` adds flags (a fake camera).
 */
export async function launchBrowser(options: { args?: readonly string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...(options.args ?? [])],
  });
}
