import { useRef, useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { newIdempotencyKey } from "../../api/idempotency";
import { useAction } from "../../api/use-resource";
import { useI18n } from "../../i18n/i18n";
import { Field } from "../../ui/field";
import { FormRefusal, useFieldIssues } from "../../ui/field-issues";
import { Page, Panel } from "../../ui/page";
import { Money, StateBadge } from "../../ui/values";
import { Success } from "../../ui/views";
import { SubmitButton } from "./actions";
import { compact, parseClaimLink, type ClaimLink } from "./claim-link";
import { employeePath, invoicePath } from "./paths";
import { QrScanner } from "./qr-scanner";
import "./employee.css";

type Claimed = Awaited<ReturnType<EInvoiceClient["claimInvoiceByNumber"]>>;
type Part = "number" | "checkCode" | "claimCode";
const PARTS: readonly Part[] = ["number", "checkCode", "claimCode"];

/**
 * 领取发票: an invoice becomes the employee's with what its QR code carries (number, check code, claim code):
 * scanned with the camera, pasted as the QR code's address, or typed from the printout. The API says whether
 * the three belong together (any wrong part reads NOT_FOUND) and whether someone claimed it first.
 */
export function ClaimPage() {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<Part, string>>({ number: "", checkCode: "", claimCode: "" });
  const [link, setLink] = useState("");
  const [linkState, setLinkState] = useState<"none" | "read" | "noClaimCode" | "invalid">("none");
  const [missing, setMissing] = useState<Set<Part>>(new Set());
  const [claimed, setClaimed] = useState<Claimed | undefined>(undefined);
  const [submitted, setSubmitted] = useState<string | undefined>(undefined);
  // One key per intended claim: drawn again only when what is claimed changes.
  const key = useRef(newIdempotencyKey("claim"));
  const claimButton = useRef<HTMLButtonElement>(null);
  const claim = useAction((client, body: Record<Part, string>, idempotencyKey: string) => client.claimInvoiceByNumber({ body, idempotencyKey }));
  // A VALIDATION_FAILED refusal names its fields: each issue, in the API's words, next to its input.
  const issues = useFieldIssues(claim.error);

  const set = (part: Part, value: string) => {
    setValues((previous) => ({ ...previous, [part]: value }));
    key.current = newIdempotencyKey("claim");
    claim.clear();
  };
  const fill = (found: ClaimLink) => {
    setValues({ number: found.number, checkCode: found.checkCode, claimCode: found.claimCode ?? "" });
    key.current = newIdempotencyKey("claim");
    claim.clear();
    setMissing(new Set());
    return found.claimCode === undefined ? "noClaimCode" : "read";
  };

  async function send(event: Event) {
    event.preventDefault();
    const body = { number: compact(values.number), checkCode: compact(values.checkCode), claimCode: compact(values.claimCode) };
    const empty = new Set(PARTS.filter((part) => body[part] === ""));
    setMissing(empty);
    if (empty.size > 0) return;
    const answer = await claim.run(body, key.current);
    if (answer !== undefined) setClaimed(answer);
  }

  function again() {
    setClaimed(undefined);
    setSubmitted(undefined);
    setValues({ number: "", checkCode: "", claimCode: "" });
    setLink("");
    setLinkState("none");
    key.current = newIdempotencyKey("claim");
    claim.clear();
  }

  if (claimed !== undefined) {
    const shownNumber = claimed.printedNumber ?? claimed.number;
    const seller = claimed.seller.name ?? claimed.seller.account;
    return (
      <Page title={t("employee.claim.title")}>
        <Panel title={t("employee.claim.claimedTitle")} id="claimed">
          <Success>{t("employee.claim.claimed")}</Success>
          <dl class="facts" data-testid="claimed" data-invoice-id={claimed.id}>
            <dt>{t("invoice.number")}</dt>
            <dd>
              <code>{shownNumber}</code>
            </dd>
            <dt>{t("invoice.seller")}</dt>
            <dd>{seller}</dd>
            <dt>{t("invoice.total")}</dt>
            <dd>
              <Money fen={claimed.total} />
            </dd>
            <dt>{t("invoice.state")}</dt>
            <dd>
              <StateBadge state={claimed.state} />
            </dd>
          </dl>
          {submitted === undefined ? null : <Success>{submitted}</Success>}
          <div class="form-actions">
            {submitted === undefined && claimed.state === "Issued" ? (
              <SubmitButton
                primary
                label={t("employee.claim.submitNow")}
                invoice={{ id: claimed.id, total: claimed.total, shownNumber, seller }}
                onSubmitted={(invoice, employer) => {
                  setClaimed({ ...claimed, ...invoice });
                  setSubmitted(t("employee.submit.done", { employer }));
                }}
              />
            ) : null}
            <a class="button" href={invoicePath(claimed.id)}>
              {t("employee.claim.open")}
            </a>
            <button type="button" class="button button-quiet" onClick={again}>
              {t("employee.claim.another")}
            </button>
          </div>
          <p class="employee-note">
            <a href={employeePath("/folder")}>{t("employee.claim.toFolder")}</a>
          </p>
        </Panel>
      </Page>
    );
  }

  const fieldError = (part: Part) => (missing.has(part) ? t("field.required") : issues.byPath.get(part));
  return (
    <Page title={t("employee.claim.title")}>
      <p class="employee-lead">{t("employee.claim.lead")}</p>
      <Panel title={t("employee.scan.title")} id="scan">
        <p>{t("employee.scan.lead")}</p>
        <QrScanner
          onFound={(found) => {
            setLink("");
            setLinkState(fill(found));
            // The form below is filled: take the person to its button.
            window.setTimeout(() => claimButton.current?.focus(), 0);
          }}
        />
      </Panel>
      <Panel title={t("employee.claim.formTitle")} id="claim-form">
        <form onSubmit={send} noValidate data-testid="claim-form">
          <Field id="claim-link" label={t("employee.claim.link")} hint={t("employee.claim.linkHint")} error={linkState === "invalid" ? t("employee.claim.linkInvalid") : undefined}>
            {(aria) => (
              <textarea
                {...aria}
                rows={2}
                spellcheck={false}
                autocomplete="off"
                value={link}
                onInput={(event) => {
                  const text = event.currentTarget.value;
                  setLink(text);
                  if (text.trim() === "") return setLinkState("none");
                  const found = parseClaimLink(text);
                  setLinkState(found === undefined ? "invalid" : fill(found));
                }}
              />
            )}
          </Field>
          {linkState === "read" ? <Success>{t("employee.claim.linkRead")}</Success> : null}
          {linkState === "noClaimCode" ? (
            <p class="notice notice-info" role="status">
              {t("employee.claim.linkNoClaimCode")}
            </p>
          ) : null}
          <Field id="claim-number" label={t("employee.claim.number")} hint={t("employee.claim.numberHint")} error={fieldError("number")}>
            {(aria) => <input {...aria} name="number" inputMode="numeric" autocomplete="off" spellcheck={false} value={values.number} onInput={(event) => set("number", event.currentTarget.value)} />}
          </Field>
          <Field id="claim-check-code" label={t("employee.claim.checkCode")} hint={t("employee.claim.checkCodeHint")} error={fieldError("checkCode")}>
            {(aria) => (
              <input {...aria} name="checkCode" inputMode="numeric" autocomplete="off" spellcheck={false} value={values.checkCode} onInput={(event) => set("checkCode", event.currentTarget.value)} />
            )}
          </Field>
          <Field id="claim-code" label={t("employee.claim.claimCode")} hint={t("employee.claim.claimCodeHint")} error={fieldError("claimCode")}>
            {(aria) => (
              <input {...aria} name="claimCode" autocomplete="off" autocapitalize="off" spellcheck={false} value={values.claimCode} onInput={(event) => set("claimCode", event.currentTarget.value)} />
            )}
          </Field>
          <FormRefusal error={claim.error} unplaced={issues.unplaced((path) => (PARTS as readonly string[]).includes(path))} />
          <div class="form-actions">
            <button ref={claimButton} type="submit" class="button button-primary" disabled={claim.busy}>
              {claim.busy ? t("employee.claim.working") : t("employee.claim.submit")}
            </button>
          </div>
        </form>
      </Panel>
    </Page>
  );
}
