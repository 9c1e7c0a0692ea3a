import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

import { expect } from "chai";

/**
 * The repository's documents stand alone: every relative link and every path written in backticks in its
 * markdown files resolves to a file or directory inside the repository (a link's #anchor to a heading that
 * exists), and no document names a document or path outside it (a design note elsewhere, a sibling checkout).
 *
 * What counts as a path in backticks: a text without spaces whose first segment is an entry of the repository's
 * root, or an entry
 * beside the document (ledger-node/README.md names `chain/apply-block.ts`), or anything with a `/` and a source
 * extension; `*` matches within one segment, and must match something. What .gitignore keeps out (`data/`,
 * `dist/`, a generated `deploy/network/`: made by a running system, a build or a tool), URL paths
 * (`/v1/invoices`), packages (`@nomicfoundation/edr`), commands and placeholders (`<dataDir>/admin.token`) are
 * not paths of the repository.
 */
const ROOT = resolve(__dirname, "..", "..");
const SOURCE_EXTENSIONS = [".ts", ".js", ".sol", ".md", ".json", ".yml", ".yaml", ".sh"];

describe("the repository's documents", () => {
  const documents = markdownFiles();
  const ignored = ignoredPaths();

  it("are the README, docs/, the node's README and the other markdown files", () => {
    expect(documents).to.include.members(["README.md", "docs/ARCHITECTURE.md", "ledger-node/README.md"]);
  });

  it("link only to files inside the repository, and to headings that exist", () => {
    const broken: string[] = [];
    for (const document of documents) {
      for (const { line, text } of prose(document)) {
        for (const match of text.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
          const target = match[1]!;
          if (/^(https?|mailto):/.test(target)) continue;
          const [path = "", anchor] = target.split("#");
          const file = path === "" ? join(ROOT, document) : resolve(ROOT, dirname(document), decodeURI(path));
          const where = `${document}:${line}: ${target}`;
          if (!inside(file)) broken.push(`${where}: outside the repository`);
          else if (!existsSync(file)) broken.push(`${where}: no such file`);
          else if (anchor !== undefined && file.endsWith(".md") && !headingSlugs(file).has(anchor)) broken.push(`${where}: no such heading`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it("name in backticks only paths of the repository that exist", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const document of documents) {
      for (const { line, text } of prose(document)) {
        for (const match of text.matchAll(/`([^`\n]+)`/g)) {
          const path = repositoryPath(match[1]!, document, ignored);
          if (path === undefined) continue;
          checked++;
          const where = `${document}:${line}: \`${match[1]}\``;
          if (!inside(path.file)) broken.push(`${where}: outside the repository`);
          else if (!resolves(path.file)) broken.push(`${where}: no such file or directory`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
    expect(checked, "paths checked").to.be.greaterThan(50);
  });

  it("name no document or path outside the repository", () => {
    const outside: string[] = [];
    for (const document of documents) {
      readFileSync(join(ROOT, document), "utf8")
        .split("\n")
        .forEach((text, i) => {
          const where = `${document}:${i + 1}`;
          // Relative paths that climb: they must stay inside.
          for (const match of text.matchAll(/(?:\.\.\/)+[\w.@-][\w./@-]*/g)) if (!inside(resolve(ROOT, dirname(document), match[0]))) outside.push(`${where}: ${match[0]}`);
          // Absolute paths of a machine, a home directory.
          for (const match of text.matchAll(/(?<![\w.:/-])(?:~\/|\/(?:work|home|Users|root|mnt|opt|srv)\/)[\w./@-]+/g)) outside.push(`${where}: ${match[0]}`);
          // A document named by its file name: one of the repository's.
          for (const match of text.matchAll(/(?<![\w./@-])((?:[\w.-]+\/)*[\w.-]+\.md)\b/g)) {
            const name = match[1]!;
            if (![resolve(ROOT, dirname(document), name), resolve(ROOT, name)].some((file) => inside(file) && existsSync(file))) outside.push(`${where}: ${name} is not a document of the repository`);
          }
        });
    }
    expect(outside).to.deep.equal([]);
  });
});

/** README.md, BENCHMARKS.md, docs/*.md, ledger-node/README.md, deploy/*.md: the markdown files, relative to the root. */
function markdownFiles(): string[] {
  const inDirectory = (dir: string) => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((name) => name.endsWith(".md")).map((name) => `${dir}/${name}`) : []);
  return [...readdirSync(ROOT).filter((name) => name.endsWith(".md")), ...inDirectory("docs"), ...inDirectory("ledger-node"), ...inDirectory("deploy")].sort();
}

/** The lines of a document outside its fenced code blocks, with their numbers. */
function prose(document: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fenced = false;
  readFileSync(join(ROOT, document), "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (/^\s*```/.test(text)) fenced = !fenced;
      else if (!fenced) lines.push({ line: i + 1, text });
    });
  return lines;
}

/** The paths .gitignore keeps out of the repository, relative to the root (data, dist, node_modules, deploy/network, ...). */
function ignoredPaths(): string[] {
  return readFileSync(join(ROOT, ".gitignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith("!") && !line.includes("*"))
    .map((line) => line.replace(/^\/|\/$/g, ""));
}

/** The file a backticked text names, if it names one of the repository (see the file's comment). */
function repositoryPath(text: string, document: string, ignored: string[]): { file: string } | undefined {
  const candidate = candidatePath(text, document);
  if (candidate === undefined || !inside(candidate.file)) return candidate;
  const path = relative(ROOT, candidate.file).split(sep).join("/");
  return ignored.some((i) => path === i || path.startsWith(`${i}/`)) ? undefined : candidate;
}

function candidatePath(text: string, document: string): { file: string } | undefined {
  const path = text.replace(/:\d+(-\d+)?$/, "");
  if (/\s|[<>{}$|]|:\/\//.test(path) || path.startsWith("@") || path.startsWith("-")) return undefined;
  if (path.startsWith("/")) return /^\/(?:work|home|Users|root|mnt|opt|srv)\//.test(path) ? { file: path } : undefined;
  if (path.startsWith("~/")) return { file: path };
  const plain = path.replace(/^\.\//, "");
  const first = plain.split("/")[0]!;
  if (plain === ".." || first === "" || first === ".") return undefined;
  if (plain.startsWith("../")) return { file: resolve(ROOT, dirname(document), plain) };
  const beside = resolve(ROOT, dirname(document), first);
  if (dirname(document) !== "." && existsSync(beside) && !first.includes("*")) return { file: resolve(ROOT, dirname(document), plain) };
  if (existsSync(join(ROOT, first))) return { file: resolve(ROOT, plain) };
  if (plain.includes("/") && SOURCE_EXTENSIONS.some((extension) => plain.endsWith(extension))) return { file: resolve(ROOT, plain) };
  return undefined;
}

function inside(file: string): boolean {
  const from = relative(ROOT, file);
  return from === "" || (!from.startsWith(`..${sep}`) && from !== ".." && !from.startsWith(sep) && !/^[a-zA-Z]:/.test(from));
}

/** Whether a path exists; a `*` stands for any characters within one segment, and must match something. */
function resolves(file: string): boolean {
  if (!file.includes("*")) return existsSync(file.replace(/\/$/, "")) && (!file.endsWith("/") || statSync(file).isDirectory());
  const segments = relative(ROOT, file).split(sep);
  const match = (dir: string, rest: string[]): boolean => {
    if (rest.length === 0 || (rest.length === 1 && rest[0] === "")) return true;
    const [segment, ...others] = rest as [string, ...string[]];
    if (!segment.includes("*")) return existsSync(join(dir, segment)) && match(join(dir, segment), others);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
    const pattern = new RegExp(`^${segment.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
    return readdirSync(dir).some((name) => pattern.test(name) && match(join(dir, name), others));
  };
  return match(ROOT, segments);
}

/** The anchors of a markdown file's headings, as GitHub makes them. */
function headingSlugs(file: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (heading === null) continue;
    const base = heading[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}
