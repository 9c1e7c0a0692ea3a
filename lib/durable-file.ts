import { open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Small files that must survive a crash or a power cut exactly as written (both processes use it: the node's
 * record of its acknowledged head, the API's keys and marks): written to a temporary file,
 * fsynced, renamed over the target, and the directory fsynced, so a reader sees the old or the new content
 * and never a torn or empty file.
 */
export async function writeFileDurably(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    // Written and synced through one handle: each file operation is a trip to libuv's thread pool, and the node
    // writes its head record for every block it seals (ledger-node/store/head-record.ts).
    const file = await open(temporary, "w", mode);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
