import { useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { newIdempotencyKey } from "../../api/idempotency";
import { useAction, useResource } from "../../api/use-resource";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Field } from "../../ui/field";
import { Page, Panel } from "../../ui/page";
import { ShownOnce } from "../../ui/shown-once";
import { Hex, When } from "../../ui/values";
import { ErrorNotice, ResourceView, Success } from "../../ui/views";
import "./enterprise.css";

type Participant = Awaited<ReturnType<EInvoiceClient["listParticipants"]>>["participants"][number];

const STATUS_BADGE: Record<string, string> = { Active: "badge-reimbursed", Suspended: "badge-locked", Revoked: "badge-reversed" };

/** Every employee the enterprise registered (the API lists only its own), page after page by account. */
async function allEmployees(client: EInvoiceClient, signal: AbortSignal): Promise<Participant[]> {
  const all: Participant[] = [];
  for (let after: string | undefined; ; ) {
    const page = await client.listParticipants({ query: { limit: "500", ...(after === undefined ? {} : { after }) }, signal });
    all.push(...page.participants);
    if (page.participants.length < 500) return all;
    after = page.participants.at(-1)!.account;
  }
}

/** 员工: the enterprise's employees, registering one (its key shown once), suspending and reinstating. */
export function Employees() {
  const { t } = useI18n();
  const list = useResource((client, signal) => allEmployees(client, signal), []);
  const [name, setName] = useState("");
  const [employeeNumber, setEmployeeNumber] = useState("");
  const [missing, setMissing] = useState(false);
  // One key per registration a person means: a retry after a lost answer registers nobody twice.
  const [registrationKey, setRegistrationKey] = useState(() => newIdempotencyKey("employee"));
  const [registered, setRegistered] = useState<{ name: string; apiKey: string } | undefined>(undefined);
  const register = useAction((client, body: { name: string; employeeNumber?: string }, idempotencyKey: string) => client.registerEmployee({ body, idempotencyKey }));

  const [asking, setAsking] = useState<{ kind: "suspend" | "reinstate"; employee: Participant } | undefined>(undefined);
  const [changed, setChanged] = useState<{ kind: "suspend" | "reinstate"; name: string } | undefined>(undefined);
  const status = useAction((client, kind: "suspend" | "reinstate", account: string) => (kind === "suspend" ? client.suspendParticipant({ params: { account } }) : client.reinstateParticipant({ params: { account } })));

  async function submit(event: Event) {
    event.preventDefault();
    if (name.trim() === "") {
      setMissing(true);
      return;
    }
    const answer = await register.run({ name: name.trim(), ...(employeeNumber.trim() === "" ? {} : { employeeNumber: employeeNumber.trim() }) }, registrationKey);
    if (answer === undefined) return;
    setRegistered({ name: answer.participant.name, apiKey: answer.apiKey });
    setName("");
    setEmployeeNumber("");
    setMissing(false);
    setRegistrationKey(newIdempotencyKey("employee"));
    list.reload();
  }

  async function changeStatus() {
    if (asking === undefined) return;
    const answer = await status.run(asking.kind, asking.employee.account);
    if (answer === undefined) return;
    setChanged({ kind: asking.kind, name: asking.employee.name });
    setAsking(undefined);
    list.reload();
  }

  return (
    <Page title={t("enterprise.employees.title")}>
      <div class="grid-2">
        <Panel id="employee-register" title={t("enterprise.employees.register")}>
          <form onSubmit={submit} noValidate data-testid="employee-form">
            {register.error === undefined ? null : <ErrorNotice error={register.error} />}
            <Field id="employee-name" label={t("enterprise.employees.name")} error={missing && name.trim() === "" ? t("field.required") : undefined}>
              {(aria) => <input {...aria} type="text" autocomplete="off" value={name} maxLength={200} onInput={(event) => setName(event.currentTarget.value)} />}
            </Field>
            <Field id="employee-number" label={t("enterprise.employees.number")} hint={t("enterprise.employees.numberHint")}>
              {(aria) => <input {...aria} type="text" autocomplete="off" value={employeeNumber} maxLength={64} onInput={(event) => setEmployeeNumber(event.currentTarget.value)} />}
            </Field>
            <div class="form-actions">
              <button type="submit" class="button button-primary" disabled={register.busy}>
                {register.busy ? t("enterprise.employees.registering") : t("enterprise.employees.registerAction")}
              </button>
            </div>
          </form>
        </Panel>
        {registered === undefined ? null : (
          <ShownOnce title={t("enterprise.employees.keyTitle", { name: registered.name })} lead={t("enterprise.employees.keyOnce")} secret={registered.apiKey} doneLabel={t("enterprise.employees.keySaved")} onDone={() => setRegistered(undefined)} />
        )}
      </div>
      {changed === undefined ? null : <Success>{t(changed.kind === "suspend" ? "enterprise.employees.suspended" : "enterprise.employees.reinstated", { name: changed.name })}</Success>}
      <ResourceView resource={list} isEmpty={(data) => data.length === 0} empty={t("enterprise.employees.empty")}>
        {(employees) => (
          <div class="table-wrap">
            <table>
              <caption>{t("enterprise.employees.caption", { count: employees.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("enterprise.employees.name")}</th>
                  <th scope="col">{t("enterprise.employees.number")}</th>
                  <th scope="col">{t("enterprise.employees.account")}</th>
                  <th scope="col">{t("enterprise.employees.status")}</th>
                  <th scope="col">{t("enterprise.employees.since")}</th>
                  <th scope="col">{t("enterprise.column.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {employees.map((employee) => {
                  const state = employee.status ?? "Active";
                  return (
                    <tr key={employee.account} data-testid="employee-row" data-account={employee.account}>
                      <th scope="row">{employee.name}</th>
                      <td>{employee.employeeNumber ?? "—"}</td>
                      <td>
                        <Hex value={employee.account} />
                      </td>
                      <td>
                        <span class={`badge ${STATUS_BADGE[state] ?? "badge-none"}`}>{t(`status.${state}` as MessageKey)}</span>
                      </td>
                      <td>
                        <When iso={employee.createdAt} withTime={false} />
                      </td>
                      <td>
                        {state === "Active" ? (
                          <button type="button" class="button button-small" data-testid="employee-suspend" aria-label={t("enterprise.employees.suspendOne", { name: employee.name })} onClick={() => (status.clear(), setAsking({ kind: "suspend", employee }))}>
                            {t("enterprise.employees.suspend")}
                          </button>
                        ) : state === "Suspended" ? (
                          <button type="button" class="button button-small" data-testid="employee-reinstate" aria-label={t("enterprise.employees.reinstateOne", { name: employee.name })} onClick={() => (status.clear(), setAsking({ kind: "reinstate", employee }))}>
                            {t("enterprise.employees.reinstate")}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
      <ConfirmDialog
        open={asking !== undefined}
        irreversible={false}
        danger={asking?.kind === "suspend"}
        busy={status.busy}
        title={asking?.kind === "reinstate" ? t("enterprise.employees.reinstateTitle") : t("enterprise.employees.suspendTitle")}
        confirmLabel={asking?.kind === "reinstate" ? t("enterprise.employees.reinstate") : t("enterprise.employees.suspend")}
        onConfirm={() => void changeStatus()}
        onCancel={() => (setAsking(undefined), status.clear())}
      >
        {asking === undefined ? null : <p>{t(asking.kind === "reinstate" ? "enterprise.employees.reinstateBody" : "enterprise.employees.suspendBody", { name: asking.employee.name })}</p>}
        {status.error === undefined ? null : <ErrorNotice error={status.error} />}
      </ConfirmDialog>
    </Page>
  );
}
