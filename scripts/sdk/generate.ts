import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { sdkSources } from "./sdk-sources";

/**
 * `npm run sdk:generate`: writes the SDK's generated sources (sdk/src/generated/) from the route definitions,
 * without a running system. Run it after adding or changing a route, and commit what it writes.
 */
async function main(): Promise<void> {
  const root = join(__dirname, "..", "..");
  for (const [path, text] of Object.entries(await sdkSources())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
