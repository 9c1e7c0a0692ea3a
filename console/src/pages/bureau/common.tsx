import { useEffect, useRef, useState } from "preact/hooks";

import { useSignedIn } from "../../api/session";
import { useI18n } from "../../i18n/i18n";
import { Hex } from "../../ui/values";

/** Where the bureau's pages live (roles.ts). */
export const BUREAU_BASE = "/console/bureau";

export const invoiceHref = (id: string) => `${BUREAU_BASE}/invoices/${id}`;

const CST_MS = 8 * 3600 * 1000;

/** The tax period (YYYYMM) it is now in China Standard Time, as the API counts periods. */
export function currentPeriod(now = Date.now()): number {
  const cst = new Date(now + CST_MS);
  return cst.getUTCFullYear() * 100 + cst.getUTCMonth() + 1;
}

/** The period `months` before (negative) or after `period`. */
export function shiftPeriod(period: number, months: number): number {
  const index = Math.floor(period / 100) * 12 + (period % 100) - 1 + months;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
}

/** YYYYMM as people read it: 2026年11月 / 2026-11. */
export function usePeriodText(): (period: number) => string {
  const { t } = useI18n();
  return (period) =>
    t("bureau.period", {
      year: Math.floor(period / 100),
      month: String(period % 100).padStart(2, "0"),
    });
}

/** A tax period as the month input (<input type="month">) writes it, and back. */
export const monthOfPeriod = (period: number) =>
  `${Math.floor(period / 100)}-${String(period % 100).padStart(2, "0")}`;
export const periodOfMonth = (month: string): number | undefined =>
  /^\d{4}-\d{2}$/.test(month) ? Number(month.replace("-", "")) : undefined;

/**
 * Names of accounts, read once per page with getParticipant (the bureau may read every participant); an
 * account the API does not describe keeps no name (null) and is shown by its address.
 */
export function useNames(
  accounts: readonly (string | null | undefined)[],
): Record<string, string | null> {
  const { client } = useSignedIn();
  const [names, setNames] = useState<Record<string, string | null>>({});
  const asked = useRef(new Set<string>());
  const wanted = [
    ...new Set(
      accounts.filter((a): a is string => typeof a === "string" && a !== ""),
    ),
  ]
    .sort()
    .join(",");
  useEffect(() => {
    let live = true;
    for (const account of wanted === "" ? [] : wanted.split(",")) {
      if (asked.current.has(account)) continue;
      asked.current.add(account);
      client
        .getParticipant({ params: { account } })
        .then(
          (party) =>
            live && setNames((known) => ({ ...known, [account]: party.name })),
        )
        .catch(
          () => live && setNames((known) => ({ ...known, [account]: null })),
        );
    }
    return () => {
      live = false;
    };
  }, [wanted, client]);
  return names;
}

/** An account by its name where known, its address kept whole in the title (and shortened beside the name). */
export function AccountName({
  account,
  name,
}: {
  account: string | null | undefined;
  name?: string | null | undefined;
}) {
  if (account === null || account === undefined) return <span>—</span>;
  if (name === undefined || name === null) return <Hex value={account} />;
  return (
    <span class="bureau-account" title={account}>
      {name}
    </span>
  );
}

/** A secret the API shows once (an API key): in full, selectable, with a copy button and the warning. */
export function ShownOnce({
  title,
  secret,
  onDone,
}: {
  title: string;
  secret: string;
  onDone(): void;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div
      class="notice notice-info bureau-once"
      role="region"
      aria-labelledby="once-title"
      tabIndex={-1}
      ref={box}
      data-testid="key-once"
    >
      <p class="notice-title" id="once-title">
        {title}
      </p>
      <p>{t("bureau.key.once")}</p>
      <code class="bureau-secret" data-testid="api-key">
        {secret}
      </code>
      <div class="form-actions">
        <button
          type="button"
          class="button button-primary"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(secret)
              .then(() => setCopied(true))
              .catch(() => setCopied(false));
          }}
        >
          {copied ? t("bureau.key.copied") : t("bureau.key.copy")}
        </button>
        <button type="button" class="button" onClick={onDone}>
          {t("bureau.key.stored")}
        </button>
      </div>
    </div>
  );
}

/** An idempotency key for one write a person asked for (a retry of the same click gets the same answer). */
export const newIdempotencyKey = () =>
  (
    globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`
  ).replace(/[^A-Za-z0-9-]/g, "");
