import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";

/**
 * Appends a child's output lines to a log file for `npm start`, and never lets the file take anyone down:
 * a write that fails (disk full, quota, EPIPE, the directory removed) is reported once through `onError`,
 * the lines are dropped (and counted) from then on, and the file is opened again every `retryMs` until it
 * takes writes again. A slow disk cannot grow memory without bound either: past `maxBufferedBytes` waiting
 * to be written, lines are dropped. The child whose output it is keeps running and keeps being read.
 */
export interface LineLog {
  write(line: string): void;
  /** Lines dropped because the file could not take them. */
  readonly dropped: number;
  close(): void;
}

export interface LineLogOptions {
  onError(error: Error): void;
  retryMs?: number;
  maxBufferedBytes?: number;
  /** How the file is opened (tests substitute a failing stream). */
  open?: (file: string) => Writable;
}

export function createLineLog(file: string, options: LineLogOptions): LineLog {
  const open = options.open ?? ((path: string) => createWriteStream(path, { flags: "a" }));
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  let stream: Writable | undefined;
  let dropped = 0;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const fail = (failed: Writable, error: Error) => {
    if (stream !== failed) return; // a stream already given up on
    stream = undefined;
    failed.destroy();
    options.onError(error);
    if (!closed) {
      retry = setTimeout(() => {
        retry = undefined;
        start();
      }, options.retryMs ?? 10_000);
      retry.unref();
    }
  };

  function start(): void {
    if (closed) return;
    let opened: Writable;
    try {
      opened = open(file);
    } catch (error) {
      stream = undefined;
      options.onError(error as Error);
      return;
    }
    stream = opened;
    opened.on("error", (error: Error) => fail(opened, error));
  }

  start();
  return {
    write(line) {
      if (stream === undefined || stream.writableLength > maxBuffered) {
        dropped++;
        return;
      }
      stream.write(line);
    },
    get dropped() {
      return dropped;
    },
    close() {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      stream?.end();
      stream = undefined;
    },
  };
}
