import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";

import { writeFileDurably } from "./durable-file";

/**
 * A secret kept in a file of its own (the node's authority key and admin token, the API's keystore master
 * secret): read when the file exists, otherwise made by `create` and written with mode 0600, durably, before
 * anything is done with it (a secret lost to a crash after its first use would lose what it protects).
 * Returns the file's content without surrounding whitespace.
 */
export async function readOrCreateSecret(file: string, create: () => string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = create();
  await mkdir(dirname(file), { recursive: true });
  await writeFileDurably(file, `${secret}\n`, 0o600);
  return secret;
}
