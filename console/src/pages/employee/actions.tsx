import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { useAction } from "../../api/use-resource";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Money } from "../../ui/values";
import { ErrorNotice } from "../../ui/views";
import { newIdempotencyKey } from "../../api/idempotency";
import { useMe } from "./me";

export type SubmittedInvoice = Awaited<ReturnType<EInvoiceClient["submitInvoice"]>>;

/**
 * Submits a held invoice for reimbursement to the employee's employer (the enterprise getMe reports), after a
 * confirmation that names the employer and the amount. Whether it may be submitted is the API's to say: its
 * refusal shows in the dialog, in words and with its code.
 */
export function SubmitButton({
  invoice,
  label,
  onSubmitted,
  primary = false,
}: {
  invoice: { id: string; total: string; shownNumber: string; seller: string };
  label?: string;
  primary?: boolean;
  onSubmitted(invoice: SubmittedInvoice, employer: string): void;
}) {
  const { t } = useI18n();
  const me = useMe();
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState("");
  const submit = useAction((client, enterprise: string, idempotencyKey: string) => client.submitInvoice({ params: { id: invoice.id }, body: { enterprise }, idempotencyKey }));
  const employer = me.data?.employer;
  if (me.status === "ready" && employer === undefined) {
    return <p class="employee-note">{t("employee.submit.noEmployer")}</p>;
  }
  if (me.status === "error") {
    return <p class="employee-note">{t("employee.submit.meFailed", { code: me.error.code })}</p>;
  }
  const employerName = employer === undefined ? "" : (employer.name ?? employer.account);
  return (
    <>
      <button
        type="button"
        class={primary ? "button button-primary" : "button"}
        disabled={employer === undefined}
        data-testid="submit-invoice"
        onClick={() => {
          submit.clear();
          setKey(newIdempotencyKey("submit"));
          setOpen(true);
        }}
      >
        {label ?? t("employee.submit.action")}
      </button>
      {/* Mounted only while asked: a folder holds many of these, and each dialog's heading has the same id. */}
      {!open ? null : (
        <ConfirmDialog
          open
          title={t("employee.submit.title")}
          confirmLabel={submit.busy ? t("employee.submit.working") : t("employee.submit.confirm")}
          busy={submit.busy}
          onCancel={() => setOpen(false)}
          onConfirm={async () => {
            if (employer === undefined) return;
            const answer = await submit.run(employer.account, key);
            if (answer === undefined) return;
            setOpen(false);
            onSubmitted(answer, employerName);
          }}
        >
          <p>{t("employee.submit.lead", { employer: employerName })}</p>
          <dl class="facts">
            <dt>{t("invoice.number")}</dt>
            <dd>{invoice.shownNumber}</dd>
            <dt>{t("invoice.seller")}</dt>
            <dd>{invoice.seller}</dd>
            <dt>{t("invoice.total")}</dt>
            <dd>
              <Money fen={invoice.total} />
            </dd>
          </dl>
          <p>{t("employee.submit.after")}</p>
          {submit.error === undefined ? null : <ErrorNotice error={submit.error} />}
        </ConfirmDialog>
      )}
    </>
  );
}
