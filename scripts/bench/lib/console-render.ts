import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { launchBrowser } from "../../lib/browser";

import { summarise, type LatencySummary } from "./stats";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROOT, ensureBuilt } = require("../../../bin/build-state") as { ROOT: string; ensureBuilt(): void };

export interface ConsoleBundle {
  /** Every script and stylesheet of the build, in KiB as served and gzip-compressed (source maps left out). */
  files: { file: string; kib: number; gzipKib: number }[];
  totalKib: number;
  totalGzipKib: number;
  /** What a role's first page loads: the entry, the role's chunk and what they import (not what loads later, as jsQR when the camera opens). */
  byRole: Record<string, { kib: number; gzipKib: number }>;
}

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}

const ROLE_CHUNKS: Record<string, string> = { bureau: "src/pages/bureau/area.tsx", enterprise: "src/pages/enterprise/area.tsx", individual: "src/pages/employee/area.tsx", merchant: "src/pages/merchant/area.tsx" };

export interface ConsoleRender {
  bundle: ConsoleBundle;
  /** The first load, with nothing cached: from navigation to the first result row on screen. */
  coldMs: number;
  /** Later loads of a search page (a new merchant each time, the browser's cache warm), the same span. */
  warmMs: LatencySummary & { samples: number };
}

const kib = (bytes: number) => Number((bytes / 1024).toFixed(1));

/** The built console's files (dist/console/assets), raw and gzip sizes, and what each role's first page loads (Vite's manifest). */
export function consoleBundle(): ConsoleBundle {
  ensureBuilt();
  const root = join(ROOT, "dist", "console");
  const sizes = new Map<string, { kib: number; gzipKib: number }>();
  const sizeOf = (file: string) => {
    let size = sizes.get(file);
    if (size === undefined) {
      const bytes = readFileSync(join(root, file));
      size = { kib: kib(bytes.length), gzipKib: kib(gzipSync(bytes).length) };
      sizes.set(file, size);
    }
    return size;
  };
  const files = readdirSync(join(root, "assets"))
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => ({ file, ...sizeOf(`assets/${file}`) }))
    .sort((a, b) => b.kib - a.kib);
  const manifest = JSON.parse(readFileSync(join(root, ".vite", "manifest.json"), "utf8")) as Record<string, ManifestChunk>;
  const loaded = (key: string, into: Set<string>) => {
    const chunk = manifest[key];
    if (chunk === undefined || into.has(chunk.file)) return;
    into.add(chunk.file);
    for (const css of chunk.css ?? []) into.add(css);
    for (const imported of chunk.imports ?? []) loaded(imported, into);
  };
  const byRole = Object.fromEntries(
    Object.entries(ROLE_CHUNKS).map(([role, key]) => {
      const set = new Set<string>();
      loaded("index.html", set);
      loaded(key, set);
      const sum = [...set].reduce((total, file) => ({ kib: total.kib + sizeOf(file).kib, gzipKib: total.gzipKib + sizeOf(file).gzipKib }), { kib: 0, gzipKib: 0 });
      return [role, { kib: Number(sum.kib.toFixed(1)), gzipKib: Number(sum.gzipKib.toFixed(1)) }];
    }),
  );
  const total = files.reduce((sum, f) => sum + f.kib, 0);
  const totalGzip = files.reduce((sum, f) => sum + f.gzipKib, 0);
  return { files, totalKib: Number(total.toFixed(1)), totalGzipKib: Number(totalGzip.toFixed(1)), byRole };
}

/**
 * The time a tax official waits for the search desk at the ledger's size: Debian's chromium (playwright-core)
 * signs in with the bureau's key as a person does, then opens the search page of one merchant after another
 * (`/console/bureau/search?merchant=…`, a full page load each time) and waits for the first row of results.
 */
export async function measureConsoleRender(apiUrl: string, bureauKey: string, merchants: readonly string[], samples: number): Promise<ConsoleRender> {
  const bundle = consoleBundle();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const firstRow = page.locator("table tbody tr").first();
    const load = async (merchant: string) => {
      const t0 = performance.now();
      await page.goto(`${apiUrl}/console/bureau/search?merchant=${merchant}`);
      await firstRow.waitFor({ state: "visible", timeout: 60_000 });
      return performance.now() - t0;
    };
    await page.goto(`${apiUrl}/console/`);
    await page.locator("#api-key").fill(bureauKey);
    await page.locator("form button[type=submit]").click();
    await page.locator("nav.side-nav").waitFor();
    // Cold: a new context's cache is empty, but this one loaded the sign-in page's bundle; a second context
    // shares the session cookie only, so its first search load fetches every file.
    const cookies = await context.cookies();
    const coldContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 860 } });
    await coldContext.addCookies(cookies);
    const coldPage = await coldContext.newPage();
    const c0 = performance.now();
    await coldPage.goto(`${apiUrl}/console/bureau/search?merchant=${merchants[0]!}`);
    await coldPage.locator("table tbody tr").first().waitFor({ state: "visible", timeout: 60_000 });
    const coldMs = performance.now() - c0;
    await coldContext.close();
    const warm: number[] = [];
    for (let i = 0; i < samples; i++) warm.push(await load(merchants[i % merchants.length]!));
    return { bundle, coldMs: Number(coldMs.toFixed(1)), warmMs: { ...summarise(warm), samples } };
  } finally {
    await browser.close();
  }
}
