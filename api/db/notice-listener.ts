import { Client } from "pg";
import type { Logger } from "pino";

export interface NoticeHandlers {
  /** A notice arrived on the channel. */
  notice(): void;
  /** Whether notices are being received: false when the connection is lost (notices sent meanwhile are missed), true once listening again. */
  listening(on: boolean): void;
}

/**
 * A connection of its own that LISTENs on one PostgreSQL channel (NOTIFY), reconnecting after `retryMs` when it
 * is lost. Needs a session of its own on the server: behind a pooler in transaction mode LISTEN does not work, and
 * what depends on the notices must then be switched off (API_KEY_CACHE=0).
 */
export class NoticeListener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly handlers: NoticeHandlers,
    private readonly logger: Logger,
    private readonly retryMs = 1_000,
  ) {}

  /** Resolves after the first attempt to listen, whether it succeeded or a retry is scheduled. */
  start(): Promise<void> {
    return this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.handlers.listening(false);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      this.lost(client, error);
    };
    client.on("notification", (message) => {
      if (message.channel === this.channel) this.handlers.notice();
    });
    client.on("error", onLost);
    client.on("end", () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (lost || this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.handlers.listening(true);
  }

  private lost(client: Client, error: unknown): void {
    if (this.client === client) this.client = undefined;
    this.handlers.listening(false);
    void client.end().catch(() => undefined);
    if (this.closed || this.retry !== undefined) return;
    this.logger.warn({ err: error, channel: this.channel }, "database notices: the listening connection was lost; listening again shortly");
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.retryMs);
    this.retry.unref();
  }
}
