import { useEffect, useState } from "preact/hooks";

import type { EInvoiceClient } from "../../api/client";
import { useSignedIn } from "../../api/session";
import { useAction, useResource } from "../../api/use-resource";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Field } from "../../ui/field";
import { Page, Panel } from "../../ui/page";
import { Empty, ErrorNotice, Loading, Success } from "../../ui/views";
import { Hex, When } from "../../ui/values";
import { newIdempotencyKey } from "../../api/idempotency";
import { ShownOnce } from "../../ui/shown-once";
import { useSettled } from "../../api/use-settled";

type Participant = Awaited<
  ReturnType<EInvoiceClient["listParticipants"]>
>["participants"][number];
type Role = Participant["role"];
type Status = (typeof STATUSES)[number];
type StatusAction = "suspend" | "reinstate" | "revoke";

const ROLES: readonly Role[] = [
  "merchant",
  "enterprise",
  "individual",
  "bureau",
];
const STATUSES = ["Active", "Suspended", "Revoked"] as const;
const PAGE = "50";

/** Register a merchant or an enterprise; the answer's API key is shown here once. */
function RegisterForm({ onRegistered }: { onRegistered(): void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<"merchant" | "enterprise">("merchant");
  const [name, setName] = useState("");
  const [taxpayerId, setTaxpayerId] = useState("");
  const [missing, setMissing] = useState<{
    name?: string;
    taxpayerId?: string;
  }>({});
  const [shown, setShown] = useState<
    { name: string; apiKey: string; account: string } | undefined
  >(undefined);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const register = useAction(
    (
      client,
      body: {
        role: "merchant" | "enterprise";
        name: string;
        taxpayerId: string;
      },
      key: string,
    ) => client.registerParticipant({ body, idempotencyKey: key }),
  );

  if (shown !== undefined) {
    return (
      <>
        <Success>{t("bureau.register.done", { name: shown.name })}</Success>
        <p>
          {t("bureau.participants.account")}{" "}
          <code data-testid="registered-account">{shown.account}</code>
        </p>
        <ShownOnce
          title={t("bureau.register.keyTitle", { name: shown.name })}
          secret={shown.apiKey}
          onDone={() => setShown(undefined)}
        />
      </>
    );
  }
  return (
    <form
      data-testid="register-form"
      onSubmit={async (event) => {
        event.preventDefault();
        const found = {
          ...(name.trim() === "" ? { name: t("field.required") } : {}),
          ...(taxpayerId.trim() === ""
            ? { taxpayerId: t("field.required") }
            : {}),
        };
        setMissing(found);
        if (Object.keys(found).length > 0) return;
        const answer = await register.run(
          {
            role,
            name: name.trim(),
            taxpayerId: taxpayerId.trim().toUpperCase(),
          },
          idempotencyKey,
        );
        if (answer === undefined) return;
        setShown({
          name: answer.participant.name,
          apiKey: answer.apiKey,
          account: answer.participant.account,
        });
        setName("");
        setTaxpayerId("");
        setIdempotencyKey(newIdempotencyKey());
        onRegistered();
      }}
    >
      <div class="filters">
        <Field id="register-role" label={t("bureau.register.role")}>
          {(aria) => (
            <select
              {...aria}
              value={role}
              onChange={(e) =>
                setRole(
                  (e.currentTarget as HTMLSelectElement).value as
                    "merchant" | "enterprise",
                )
              }
            >
              <option value="merchant">{t("role.merchant")}</option>
              <option value="enterprise">{t("bureau.role.enterprise")}</option>
            </select>
          )}
        </Field>
        <Field
          id="register-name"
          label={t("bureau.register.name")}
          error={missing.name}
        >
          {(aria) => (
            <input
              {...aria}
              value={name}
              autoComplete="organization"
              onInput={(e) =>
                setName((e.currentTarget as HTMLInputElement).value)
              }
            />
          )}
        </Field>
        <Field
          id="register-taxpayer"
          label={t("bureau.register.taxpayerId")}
          hint={t("bureau.register.taxpayerId.hint")}
          error={missing.taxpayerId}
        >
          {(aria) => (
            <input
              {...aria}
              value={taxpayerId}
              maxLength={18}
              autoComplete="off"
              spellcheck={false}
              onInput={(e) =>
                setTaxpayerId((e.currentTarget as HTMLInputElement).value)
              }
            />
          )}
        </Field>
      </div>
      {register.error === undefined ? null : (
        <ErrorNotice error={register.error} />
      )}
      <div class="form-actions">
        <button
          type="submit"
          class="button button-primary"
          disabled={register.busy}
        >
          {register.busy
            ? t("bureau.register.working")
            : t("bureau.register.submit")}
        </button>
      </div>
    </form>
  );
}

/** The step a person asked for on one participant, waiting for confirmation. */
type Pending =
  | { kind: StatusAction; party: Participant }
  | { kind: "key"; party: Participant };

function ActionDialog({
  pending,
  onClose,
  onDone,
}: {
  pending: Pending | undefined;
  onClose(): void;
  onDone(message: string, key?: { name: string; apiKey: string }): void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>(undefined);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const status = useAction((client, kind: StatusAction, account: string) =>
    kind === "suspend"
      ? client.suspendParticipant({ params: { account } })
      : kind === "reinstate"
        ? client.reinstateParticipant({ params: { account } })
        : client.revokeParticipant({ params: { account } }),
  );
  const key = useAction((client, account: string, why: string) =>
    client.issueReplacementApiKey({
      params: { account },
      body: { reason: why },
      idempotencyKey: `${idempotencyKey}-${account.slice(2, 10)}`,
    }),
  );
  if (pending === undefined) return null;
  const party = pending.party;
  const error = pending.kind === "key" ? key.error : status.error;
  const busy = status.busy || key.busy;
  const confirm = async () => {
    if (pending.kind === "key") {
      if (reason.trim() === "") {
        setReasonError(t("field.required"));
        return;
      }
      const answer = await key.run(party.account, reason.trim());
      if (answer !== undefined)
        onDone(t("bureau.key.issued", { name: party.name }), {
          name: party.name,
          apiKey: answer.apiKey,
        });
      return;
    }
    const answer = await status.run(pending.kind, party.account);
    if (answer !== undefined)
      onDone(
        t(`bureau.participants.${pending.kind}.done` as MessageKey, {
          name: party.name,
        }),
      );
  };
  return (
    <ConfirmDialog
      open
      title={t(`bureau.participants.${pending.kind}.title` as MessageKey, {
        name: party.name,
      })}
      confirmLabel={t(`bureau.participants.${pending.kind}` as MessageKey)}
      danger={pending.kind === "revoke" || pending.kind === "suspend"}
      irreversible={pending.kind === "revoke"}
      busy={busy}
      onCancel={onClose}
      onConfirm={() => void confirm()}
    >
      <p>
        {t(`bureau.participants.${pending.kind}.lead` as MessageKey, {
          name: party.name,
        })}
      </p>
      {pending.kind === "key" ? (
        <Field
          id="key-reason"
          label={t("bureau.key.reason")}
          hint={t("bureau.key.reason.hint")}
          error={reasonError}
        >
          {(aria) => (
            <textarea
              {...aria}
              rows={3}
              maxLength={500}
              value={reason}
              onInput={(e) =>
                setReason((e.currentTarget as HTMLTextAreaElement).value)
              }
            />
          )}
        </Field>
      ) : null}
      {error === undefined ? null : <ErrorNotice error={error} />}
    </ConfirmDialog>
  );
}

function StatusBadge({ status }: { status: string | null | undefined }) {
  const { t } = useI18n();
  const known = status ?? "None";
  const tone =
    known === "Active"
      ? "reimbursed"
      : known === "Suspended"
        ? "locked"
        : known === "Revoked"
          ? "reversed"
          : "none";
  return (
    <span class={`badge badge-${tone}`}>
      {t(`status.${known}` as MessageKey)}
    </span>
  );
}

/** 参与方: every participant, paged by account; register organisations; suspend, reinstate, revoke; replacement keys. */
export function ParticipantsPage() {
  const { t } = useI18n();
  const { party: me } = useSignedIn();
  const [role, setRole] = useState<"" | Role>("");
  const [status, setStatus] = useState<"" | Status>("");
  // The search text as typed, and as asked of the API once typing pauses (or Enter is pressed).
  const [typed, setTyped] = useState("");
  const [q, searchNow] = useSettled(typed.trim());
  const [generation, setGeneration] = useState(0);
  /** The filters as the API takes them: it filters, the page only shows what it answers. */
  const filters = {
    ...(role === "" ? {} : { role }),
    ...(status === "" ? {} : { status }),
    ...(q === "" ? {} : { q }),
  };
  const key = `${role}/${status}/${q}/${generation}`;
  const first = useResource(
    (client, signal) =>
      client.listParticipants({ query: { limit: PAGE, ...filters }, signal }),
    [key],
  );
  const [more, setMore] = useState<{
    key: string;
    rows: Participant[];
    ended: boolean;
  }>({ key: "", rows: [], ended: false });
  const next = useAction((client, after: string) =>
    client.listParticipants({ query: { limit: PAGE, after, ...filters } }),
  );
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [shownKey, setShownKey] = useState<
    { name: string; apiKey: string } | undefined
  >(undefined);

  const extra = more.key === key ? more : { key, rows: [], ended: false };
  const rows = [...(first.data?.participants ?? []), ...extra.rows];
  const ended =
    extra.rows.length === 0
      ? (first.data?.participants.length ?? 0) < Number(PAGE)
      : extra.ended;
  const reload = () => setGeneration((g) => g + 1);

  const loadMore = async () => {
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    const page = await next.run(last.account);
    if (page !== undefined)
      setMore({
        key,
        rows: [...extra.rows, ...page.participants],
        ended: page.participants.length < Number(PAGE),
      });
  };

  return (
    <Page title={t("bureau.participants.title")}>
      <Panel title={t("bureau.register.title")} id="register">
        <RegisterForm onRegistered={reload} />
      </Panel>
      <Panel title={t("bureau.participants.list")} id="participants">
        <form
          class="filters"
          role="search"
          aria-label={t("bureau.participants.list")}
          onSubmit={(event) => {
            event.preventDefault();
            searchNow();
          }}
        >
          <Field
            id="filter-q"
            label={t("bureau.participants.q")}
            hint={t("bureau.participants.q.hint")}
          >
            {(aria) => (
              <input
                {...aria}
                type="search"
                name="q"
                autoComplete="off"
                spellcheck={false}
                value={typed}
                onInput={(e) =>
                  setTyped((e.currentTarget as HTMLInputElement).value)
                }
              />
            )}
          </Field>
          <Field id="filter-role" label={t("bureau.participants.role")}>
            {(aria) => (
              <select
                {...aria}
                value={role}
                onChange={(e) =>
                  setRole(
                    (e.currentTarget as HTMLSelectElement).value as "" | Role,
                  )
                }
              >
                <option value="">{t("bureau.all")}</option>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`bureau.role.${r}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="filter-status" label={t("bureau.participants.status")}>
            {(aria) => (
              <select
                {...aria}
                value={status}
                onChange={(e) =>
                  setStatus(
                    (e.currentTarget as HTMLSelectElement).value as
                      "" | Status,
                  )
                }
              >
                <option value="">{t("bureau.all")}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`status.${s}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </form>
        {message === undefined ? null : <Success>{message}</Success>}
        {shownKey === undefined ? null : (
          <ShownOnce
            title={t("bureau.key.issued", { name: shownKey.name })}
            secret={shownKey.apiKey}
            onDone={() => setShownKey(undefined)}
          />
        )}
        {first.status === "error" ? (
          <ErrorNotice error={first.error} onRetry={first.reload} />
        ) : first.data === undefined ? (
          <Loading />
        ) : rows.length === 0 ? (
          <Empty>{t("bureau.participants.none")}</Empty>
        ) : (
          <div class="table-wrap" aria-busy={first.status === "loading"}>
            <table data-testid="participants">
              <caption class="visually-hidden">
                {t("bureau.participants.list")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("bureau.participants.name")}</th>
                  <th scope="col">{t("bureau.participants.role")}</th>
                  <th scope="col">{t("bureau.register.taxpayerId")}</th>
                  <th scope="col">{t("bureau.participants.account")}</th>
                  <th scope="col">{t("bureau.participants.status")}</th>
                  <th scope="col">{t("bureau.participants.since")}</th>
                  <th scope="col">{t("bureau.participants.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.account} data-account={p.account}>
                    <th scope="row">{p.name}</th>
                    <td>{t(`bureau.role.${p.role}` as MessageKey)}</td>
                    <td>
                      {p.taxpayerId === undefined ? (
                        "—"
                      ) : (
                        <code>{p.taxpayerId}</code>
                      )}
                    </td>
                    <td>
                      <Hex value={p.account} />
                    </td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                    <td>
                      <When iso={p.createdAt} withTime={false} />
                    </td>
                    <td>
                      {p.account === me.account ||
                      p.status === "Revoked" ? null : (
                        <div class="bureau-row-actions">
                          {p.status === "Suspended" ? (
                            <button
                              type="button"
                              class="button button-small"
                              data-testid="participant-reinstate"
                              onClick={() =>
                                setPending({ kind: "reinstate", party: p })
                              }
                            >
                              {t("bureau.participants.reinstate")}
                            </button>
                          ) : (
                            <button
                              type="button"
                              class="button button-small"
                              data-testid="participant-suspend"
                              onClick={() =>
                                setPending({ kind: "suspend", party: p })
                              }
                            >
                              {t("bureau.participants.suspend")}
                            </button>
                          )}
                          <button
                            type="button"
                            class="button button-small"
                            data-testid="participant-revoke"
                            onClick={() =>
                              setPending({ kind: "revoke", party: p })
                            }
                          >
                            {t("bureau.participants.revoke")}
                          </button>
                          <button
                            type="button"
                            class="button button-small"
                            data-testid="participant-key"
                            onClick={() =>
                              setPending({ kind: "key", party: p })
                            }
                          >
                            {t("bureau.participants.key")}
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next.error === undefined ? null : <ErrorNotice error={next.error} />}
        {first.data === undefined || ended ? null : (
          <div class="form-actions">
            <button
              type="button"
              class="button"
              disabled={next.busy}
              onClick={() => void loadMore()}
            >
              {next.busy ? t("view.loading") : t("action.more")}
            </button>
          </div>
        )}
      </Panel>
      <ActionDialog
        key={
          pending === undefined
            ? "none"
            : `${pending.kind}-${pending.party.account}`
        }
        pending={pending}
        onClose={() => setPending(undefined)}
        onDone={(text, issued) => {
          setPending(undefined);
          setMessage(text);
          setShownKey(issued);
          reload();
        }}
      />
    </Page>
  );
}
