"use strict";
/**
 * Whether `dist/` is the build of the sources beside it. Plain JavaScript because it runs before anything is
 * built: `npm start` (bin/run.js) and the tests' process helpers ask it, and `npm run build` (bin/build.js)
 * records the digest it built from in `dist/build-info.json`.
 *
 * The digest covers what the build reads: the contracts, the TypeScript that is compiled, the compiler and
 * Hardhat settings and the lock file. A production install has no sources (only `dist/`, `bin/` and the
 * package files): there is nothing to compare and the build is used as it is.
 */
const { createHash } = require("node:crypto");
const { existsSync, readdirSync, readFileSync } = require("node:fs");
const { join, relative } = require("node:path");

const ROOT = join(__dirname, "..");
const SOURCE_DIRS = ["contracts", "api", "ledger-node", "lib", "crypto", "scripts", "sdk", "console"];
/** Not part of the runtime build (development tools run from source). */
const SKIPPED_DIRS = new Set(["scripts/bench", "node_modules"]);
const SOURCE_FILES = ["tsconfig.json", "tsconfig.build.json", "hardhat.config.ts", "package-lock.json"];
const EXTENSIONS = [".ts", ".tsx", ".mts", ".sol", ".css", ".html"];

/** @param {string} root */
function hasSources(root = ROOT) {
  return existsSync(join(root, "tsconfig.build.json")) && existsSync(join(root, "api"));
}

/** @param {string} root @param {string} dir @param {string[]} out */
function walk(root, dir, out) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(path)) walk(root, path, out);
    } else if (EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
      out.push(path);
    }
  }
}

/** SHA-256 over every source file's path and content, in a fixed order. @param {string} root */
function sourceDigest(root = ROOT) {
  const files = [];
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(root, dir, files);
  for (const file of SOURCE_FILES) if (existsSync(join(root, file))) files.push(file);
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** @param {string} root @returns {{ sourceDigest?: string } | undefined} */
function buildInfo(root = ROOT) {
  try {
    return JSON.parse(readFileSync(join(root, "dist", "build-info.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * "fresh" (dist is the build of these sources, or there are no sources to compare), "missing" or "stale".
 * @param {string} root
 */
function buildState(root = ROOT) {
  const info = buildInfo(root);
  if (!hasSources(root)) return info === undefined ? "missing" : "fresh";
  if (info === undefined) return "missing";
  return info.sourceDigest === sourceDigest(root) ? "fresh" : "stale";
}

/**
 * Builds when `dist/` is missing or stale (through bin/build.js, which takes the build lock, so that two
 * processes asking at once build once). Build output goes to stderr: stdout may be a machine's JSON lines.
 * Throws with a sentence a person can act on when it cannot build.
 * @param {string} root
 */
function ensureBuilt(root = ROOT) {
  const state = buildState(root);
  if (state === "fresh") return;
  if (!hasSources(root)) {
    throw new Error(`there is no build in ${relative(process.cwd(), join(root, "dist")) || "dist"}: run \`npm run build\` in a checkout of the sources and install its dist/ here`);
  }
  const { spawnSync } = require("node:child_process");
  process.stderr.write(state === "missing" ? "No build yet: building (contracts and TypeScript)...\n" : "The sources changed since the last build: building...\n");
  const result = spawnSync(process.execPath, [join(root, "bin", "build.js"), "--if-stale"], { cwd: root, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) throw new Error(`the build failed (exit ${result.status ?? result.signal}); run \`npm run build\` to see why`);
}

module.exports = { ROOT, hasSources, sourceDigest, buildInfo, buildState, ensureBuilt };
