import { yuanText } from "../format/money";
import type { MessageKey } from "../i18n/catalogue";
import { useI18n } from "../i18n/i18n";

/** An amount in yuan from the API's fen, exact; negative amounts (a credit note) in red. */
export function Money({ fen }: { fen: string | bigint }) {
  const { t } = useI18n();
  const negative = BigInt(fen) < 0n;
  return <span class={negative ? "money money-negative" : "money"}>{t("money.yuan", { amount: yuanText(fen) })}</span>;
}

const STATES = ["None", "Issued", "Locked", "Reimbursed", "Filed", "Reversed", "Frozen"] as const;

/** An invoice's state as a labelled badge (the API names states in English: Issued, Locked…). */
export function StateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  const known = (STATES as readonly string[]).includes(state) ? state : "None";
  return <span class={`badge badge-${known.toLowerCase()}`}>{t(`state.${known}` as MessageKey)}</span>;
}

/** A date (ISO) in China Standard Time. */
export function When({ iso, withTime = true }: { iso: string; withTime?: boolean }) {
  const { dateTime, date } = useI18n();
  return <time dateTime={iso}>{withTime ? dateTime(iso) : date(iso)}</time>;
}

/** A long hex value shortened for reading, whole in its title and for copying. */
export function Hex({ value }: { value: string }) {
  const short = value.length > 14 ? `${value.slice(0, 8)}…${value.slice(-4)}` : value;
  return (
    <code class="hex" title={value}>
      {short}
    </code>
  );
}
