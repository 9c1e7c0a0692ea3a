import { fileURLToPath } from "node:url";

import { defineConfig } from "vite";

/**
 * The console's build (`npm run build` runs it through bin/build.js into dist/console/; `npm run console:dev`
 * serves it with hot reload, passing the API's routes to a running `npm start`). Preact with the automatic JSX
 * runtime; the SDK is imported from its sources, so the console talks to exactly the API it is built with.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  // The manifest names the files each role's pages load (the bench reports their sizes: scripts/bench/lib/console-render.ts).
  build: { target: "es2022", sourcemap: true, manifest: true, reportCompressedSize: false, chunkSizeWarningLimit: 800 },
  server: {
    proxy: Object.fromEntries(["/v1", "/verify", "/openapi.json"].map((path) => [path, process.env.CONSOLE_API_URL ?? "http://127.0.0.1:3000"])),
  },
});
