#!/usr/bin/env node
"use strict";
/**
 * `npm run build`: compiles the contracts (Hardhat, solc from npm) and the runtime TypeScript into plain
 * JavaScript in `dist/`, the web console's static files in `dist/console/` (Vite), with the contracts' artifacts (ABI, creation and runtime code, immutable references)
 * in `dist/contract-artifacts/`, so that a production install (`npm ci --omit=dev`) runs without a compiler,
 * Hardhat or ts-node. `dist/build-info.json` records the digest of the sources it was built from
 * (bin/build-state.js). The new build is written beside the old one and swapped in by renames, so a process
 * starting meanwhile loads one whole build; a lock file makes concurrent builds wait for each other.
 *
 *   --if-stale   build only if dist/ is missing or stale once the lock is held (what `npm start` and the tests use)
 */
const { spawnSync } = require("node:child_process");
const { closeSync, cpSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const { ROOT, buildState, sourceDigest } = require("./build-state");

const DIST = join(ROOT, "dist");
const NEXT = join(ROOT, "dist.next");
const OLD = join(ROOT, "dist.old");
const LOCK = join(ROOT, "dist.lock");

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Takes the build lock; a lock whose holder died is taken over. */
function lock() {
  for (;;) {
    try {
      const fd = openSync(LOCK, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = Number(readFileSync(LOCK, "utf8") || "0");
      if (holder > 0 && !alive(holder)) rmSync(LOCK, { force: true });
      else sleep(200);
    }
  }
}

function tool(name) {
  const path = join(ROOT, "node_modules", ".bin", name);
  if (!existsSync(path)) {
    throw new Error(`building needs the development dependencies (${name} is missing): run \`npm ci\` without --omit=dev, build, then install the production dependencies`);
  }
  return path;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) throw new Error(`${command.split("/").pop()} ${args[0] ?? ""} failed (exit ${result.status ?? result.signal})`);
}

function build() {
  const started = Date.now();
  const digest = sourceDigest();
  run(tool("hardhat"), ["compile", "--quiet"]);
  rmSync(NEXT, { recursive: true, force: true });
  run(tool("tsc"), ["-p", "tsconfig.build.json", "--outDir", NEXT]);
  // The web console (console/): static files the API serves at /console.
  run(tool("vite"), ["build", "--config", "console/vite.config.mts", "--outDir", join(NEXT, "console"), "--emptyOutDir", "--logLevel", "warn"]);
  const artifacts = join(ROOT, "contract-artifacts");
  if (existsSync(artifacts)) cpSync(artifacts, join(NEXT, "contract-artifacts"), { recursive: true });
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  writeFileSync(join(NEXT, "build-info.json"), `${JSON.stringify({ version, sourceDigest: digest, builtAt: new Date().toISOString(), node: process.version }, null, 2)}\n`);
  rmSync(OLD, { recursive: true, force: true });
  if (existsSync(DIST)) renameSync(DIST, OLD);
  renameSync(NEXT, DIST);
  rmSync(OLD, { recursive: true, force: true });
  process.stderr.write(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}

function main() {
  lock();
  try {
    if (process.argv.includes("--if-stale") && buildState() === "fresh") return;
    build();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`Build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
