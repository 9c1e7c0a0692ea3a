import type { ComponentChildren } from "preact";

import { eventKey, freezeReasonKey, rejectionReasonKey, reversalReasonKey, type LedgerEvent } from "../format/events";
import type { MessageKey } from "../i18n/catalogue";
import { useI18n } from "../i18n/i18n";
import { usePeriodText } from "./period";
import { Hex, Money, StateBadge, When } from "./values";

/** A reason code in words with the code itself (what the chain keeps); a code without a label, as the code. */
export function ReasonCode({ code, label }: { code: string; label: MessageKey | undefined }) {
  const { t } = useI18n();
  return label === undefined ? <code>{code}</code> : (
    <>
      {t(label)} <code>{code}</code>
    </>
  );
}

/** What one event of the history did, in words: a recipient, a reason, a period, a credit note's amount. */
function EventDetail({ event, who }: { event: LedgerEvent; who(account: string): ComponentChildren }) {
  const { t } = useI18n();
  const periodText = usePeriodText();
  const account = (value: unknown) => (typeof value === "string" ? who(value) : null);
  const reason = typeof event["reason"] === "string" ? event["reason"] : undefined;
  switch (event.type) {
    case "InvoiceSubmitted":
    case "InvoiceReleased":
      return typeof event["enterprise"] === "string" ? <> · {t("event.to")} {account(event["enterprise"])}</> : null;
    case "InvoiceTransferred":
    case "InvoiceReassigned":
      return typeof event["to"] === "string" ? <> · {t("event.to")} {account(event["to"])}</> : null;
    case "InvoiceRejected":
      return reason === undefined ? null : <> · {t("event.reason")} <ReasonCode code={reason} label={rejectionReasonKey(reason)} /></>;
    case "InvoiceFrozen":
      return reason === undefined ? null : <> · {t("event.reason")} <ReasonCode code={reason} label={freezeReasonKey(reason)} /></>;
    case "InvoiceFiled":
      return typeof event["period"] === "number" ? <> · {t("event.period")} {periodText(event["period"])}</> : null;
    case "ReversalRequested":
    case "InvoiceReversed":
      return (
        <>
          {typeof event["total"] === "string" ? <> · {t("event.credit")} <Money fen={`-${event["total"]}`} /></> : null}
          {reason === undefined ? null : <> · {t(reversalReasonKey(reason))}</>}
        </>
      );
    case "InvoiceUnfrozen":
      return typeof event["to"] === "string" ? <> · {t("event.back")} <StateBadge state={event["to"]} /></> : null;
    default:
      return null;
  }
}

/**
 * An invoice's history on the ledger as its trace answers it, oldest first: each step in words with what it
 * carries, who took it (as the page names accounts: `who`), when, and with `chain` its block and transaction.
 */
export function Timeline({ events, who, chain = false, testId = "history" }: { events: readonly LedgerEvent[]; who(account: string): ComponentChildren; chain?: boolean; testId?: string }) {
  const { t } = useI18n();
  return (
    <ol class="timeline" data-testid={testId}>
      {events.map((event) => {
        const key = eventKey(event.type);
        return (
          <li key={`${event.blockNumber}-${event.transactionIndex}-${event.logIndex}`} data-event={event.type} data-reason={typeof event["reason"] === "string" ? event["reason"] : undefined}>
            <p class="timeline-step">
              <strong>{key === undefined ? event.type : t(key)}</strong>
              <EventDetail event={event} who={who} />
            </p>
            <p class="timeline-meta">
              <When iso={event.time} /> · {t("event.actor")} {who(event.actor)}
            </p>
            {chain ? (
              <p class="timeline-meta">
                {t("event.block", { block: event.blockNumber })} · {t("event.tx")} <Hex value={event.transactionHash} />
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
