#!/usr/bin/env node
// Before `npm test`: the Debian packages the tests drive, installed when missing, so that `npm ci && npm test`
// works on a fresh machine as the README says. chromium (the verification page in a real browser, through
// playwright-core: never a downloaded browser) and poppler-utils (pdftoppm, pdftotext, pdffonts, pdfdetach: the
// rendered PDFs). Installing needs root or sudo; without either it stops and says what to install.
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");

const NEEDED = [
  { command: "chromium", pkg: "chromium" },
  { command: "pdftoppm", pkg: "poppler-utils" },
  { command: "pdftotext", pkg: "poppler-utils" },
  { command: "pdffonts", pkg: "poppler-utils" },
  { command: "pdfdetach", pkg: "poppler-utils" },
];

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
const missing = [...new Set(NEEDED.filter((tool) => !has(tool.command)).map((tool) => tool.pkg))];
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === "function" && process.getuid() === 0;
const sudo = !root && has("sudo") ? ["sudo", "-n"] : [];
if (!root && sudo.length === 0) {
  console.error(`The tests need the Debian packages ${missing.join(" and ")}: apt-get install ${missing.join(" ")} (as root).`);
  process.exit(1);
}
console.error(`Installing the Debian packages the tests use: ${missing.join(", ")} ...`);
const run = (args) => execFileSync(sudo[0] ?? args[0], sudo.length > 0 ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
run(["apt-get", "update", "-qq"]);
run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing]);
