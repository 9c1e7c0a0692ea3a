import { useState } from "preact/hooks";

import { WEBHOOK_EVENT_TYPES } from "../../../../api/webhooks/event-types";
import type { components } from "../../../../sdk/src/generated/openapi";
import { useAction, useResource } from "../../api/use-resource";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/confirm";
import { Field } from "../../ui/field";
import { FormRefusal, useFieldIssues } from "../../ui/field-issues";
import { Page, Panel } from "../../ui/page";
import { ShownOnce } from "../../ui/shown-once";
import { When } from "../../ui/values";
import { ErrorNotice, ResourceView, Success } from "../../ui/views";
import { type WebhookEventType } from "./shared";

type Webhook = components["schemas"]["Webhook"];
type Delivery = components["schemas"]["WebhookDelivery"];

/** The API's event types, from the API's own list (the SDK's WebhookEventType names the same). */
const EVENT_TYPES: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES;

const eventLabel = (type: string): string | MessageKey => ((EVENT_TYPES as readonly string[]).includes(type) ? (`merchant.webhookEvent.${type}` as MessageKey) : type);

/** Webhooks: the merchant's subscriptions, a new one (its secret shown once), deleting one, and what was delivered. */
export function WebhooksPage() {
  const { t } = useI18n();
  const list = useResource((client) => client.listWebhooks(), []);
  const [created, setCreated] = useState<{ webhook: Webhook; secret: string } | undefined>(undefined);
  const [deleting, setDeleting] = useState<Webhook | undefined>(undefined);
  const [deleted, setDeleted] = useState<string | undefined>(undefined);
  const [watching, setWatching] = useState<string | undefined>(undefined);
  const remove = useAction((client, id: string) => client.deleteWebhook({ params: { id } }));
  const label = (type: string) => {
    const key = eventLabel(type);
    return key === type ? type : t(key as MessageKey);
  };

  return (
    <Page title={t("merchant.webhooks.title")}>
      <p class="merchant-lead">{t("merchant.webhooks.lead")}</p>
      {created === undefined ? null : <ShownOnce title={t("merchant.webhooks.created")} lead={t("merchant.webhooks.secretOnce")} secret={created.secret} doneLabel={t("merchant.webhooks.secretSaved")} onDone={() => setCreated(undefined)} />}
      {deleted === undefined ? null : <Success>{t("merchant.webhooks.deleted", { url: deleted })}</Success>}

      <Panel title={t("merchant.webhooks.list")} id="webhooks-list">
        <ResourceView resource={list} isEmpty={(data) => data.webhooks.length === 0} empty={t("merchant.webhooks.none")}>
          {({ webhooks }) => (
            <div class="table-wrap">
              <table data-testid="webhooks">
                <thead>
                  <tr>
                    <th scope="col">{t("merchant.webhooks.url")}</th>
                    <th scope="col">{t("merchant.webhooks.events")}</th>
                    <th scope="col">{t("merchant.webhooks.description")}</th>
                    <th scope="col">{t("merchant.webhooks.createdAt")}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t("merchant.item.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {webhooks.map((webhook) => (
                    <tr key={webhook.id} data-webhook-id={webhook.id}>
                      <th scope="row" class="merchant-url">
                        {webhook.url}
                      </th>
                      <td>{webhook.eventTypes.map(label).join("、")}</td>
                      <td>{webhook.description ?? ""}</td>
                      <td>
                        <When iso={webhook.createdAt} />
                      </td>
                      <td>
                        <div class="merchant-actions">
                          <button type="button" class="button button-small" aria-pressed={watching === webhook.id} onClick={() => setWatching(watching === webhook.id ? undefined : webhook.id)}>
                            {t("merchant.webhooks.deliveries")}
                            <span class="visually-hidden"> {webhook.url}</span>
                          </button>
                          <button type="button" class="button button-small button-danger" onClick={() => (remove.clear(), setDeleting(webhook))}>
                            {t("merchant.webhooks.delete")}
                            <span class="visually-hidden"> {webhook.url}</span>
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ResourceView>
      </Panel>

      {watching === undefined ? null : (
        <div data-testid="deliveries-panel" data-webhook-id-shown={watching}>
          <Deliveries id={watching} label={label} />
        </div>
      )}

      <CreateWebhook
        label={label}
        onCreated={(answer) => {
          setDeleted(undefined);
          setCreated(answer);
          list.reload();
        }}
      />

      <ConfirmDialog
        open={deleting !== undefined}
        title={t("merchant.webhooks.deleteTitle")}
        confirmLabel={remove.busy ? t("merchant.webhooks.deleting") : t("merchant.webhooks.delete")}
        busy={remove.busy}
        danger
        onCancel={() => setDeleting(undefined)}
        onConfirm={async () => {
          if (deleting === undefined) return;
          const answer = await remove.run(deleting.id);
          if (answer === undefined) return;
          if (watching === deleting.id) setWatching(undefined);
          setDeleted(deleting.url);
          setDeleting(undefined);
          list.reload();
        }}
      >
        <p>{t("merchant.webhooks.deleteLead", { url: deleting?.url ?? "" })}</p>
        {remove.error === undefined ? null : <ErrorNotice error={remove.error} />}
      </ConfirmDialog>
    </Page>
  );
}

function CreateWebhook({ label, onCreated }: { label(type: string): string; onCreated(answer: { webhook: Webhook; secret: string }): void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<WebhookEventType[]>([]);
  const create = useAction((client) => client.createWebhook({ body: { url: url.trim(), eventTypes: types, ...(description.trim() === "" ? {} : { description: description.trim() }) } }));
  const issues = useFieldIssues(create.error);
  const known = (path: string) => path === "url" || path === "description" || path === "eventTypes" || path.startsWith("eventTypes.");
  const typesError = [...issues.byPath.entries()].filter(([path]) => path === "eventTypes" || path.startsWith("eventTypes.")).map(([, text]) => text)[0];

  return (
    <Panel title={t("merchant.webhooks.new")} id="webhooks-new">
      <form
        noValidate
        data-testid="webhook-form"
        onSubmit={async (event) => {
          event.preventDefault();
          const answer = await create.run();
          if (answer === undefined) return;
          setUrl("");
          setDescription("");
          setTypes([]);
          onCreated(answer);
        }}
      >
        <FormRefusal error={create.error} unplaced={issues.unplaced(known)} />
        <Field id="webhook-url" label={t("merchant.webhooks.url")} hint={t("merchant.webhooks.url.hint")} error={issues.byPath.get("url")}>
          {(aria) => <input {...aria} name="url" type="url" inputMode="url" autocomplete="off" value={url} onInput={(event) => setUrl(event.currentTarget.value)} />}
        </Field>
        <Field id="webhook-description" label={t("merchant.webhooks.description")} error={issues.byPath.get("description")}>
          {(aria) => <input {...aria} name="description" value={description} onInput={(event) => setDescription(event.currentTarget.value)} />}
        </Field>
        <fieldset class={typesError === undefined ? "merchant-choice merchant-event-types" : "merchant-choice merchant-event-types field-invalid"} aria-describedby={typesError === undefined ? undefined : "webhook-types-error"}>
          <legend>{t("merchant.webhooks.events")}</legend>
          {EVENT_TYPES.map((type) => (
            <label key={type}>
              <input
                type="checkbox"
                name="eventTypes"
                value={type}
                checked={types.includes(type)}
                onChange={(event) => setTypes(event.currentTarget.checked ? [...types, type] : types.filter((chosen) => chosen !== type))}
              />{" "}
              {label(type)} <code class="merchant-muted">{type}</code>
            </label>
          ))}
          {typesError === undefined ? null : (
            <p class="field-error" id="webhook-types-error">
              {typesError}
            </p>
          )}
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={create.busy}>
            {create.busy ? t("merchant.webhooks.creating") : t("merchant.webhooks.create")}
          </button>
        </div>
      </form>
    </Panel>
  );
}

const PAGE = "50";

function Deliveries({ id, label }: { id: string; label(type: string): string }) {
  const { t } = useI18n();
  const first = useResource((client) => client.listWebhookDeliveries({ params: { id }, query: { limit: PAGE } }), [id]);
  const [more, setMore] = useState<Delivery[]>([]);
  const [ended, setEnded] = useState(false);
  const next = useAction((client, after: string) => client.listWebhookDeliveries({ params: { id }, query: { limit: PAGE, after } }));
  const redeliver = useAction((client, deliveryId: string) => client.redeliverWebhook({ params: { deliveryId } }));
  const [redelivered, setRedelivered] = useState<string | undefined>(undefined);

  return (
    <Panel title={t("merchant.webhooks.deliveriesOf")} id="webhook-deliveries">
      {redelivered === undefined ? null : <Success>{t("merchant.webhooks.redelivered")}</Success>}
      {redeliver.error === undefined ? null : <ErrorNotice error={redeliver.error} />}
      <ResourceView resource={first} isEmpty={(data) => data.deliveries.length === 0} empty={t("merchant.webhooks.noDeliveries")}>
        {({ deliveries }) => {
          const rows = [...deliveries, ...more];
          const last = rows[rows.length - 1];
          return (
            <>
              <div class="table-wrap">
                <table data-testid="deliveries">
                  <thead>
                    <tr>
                      <th scope="col">{t("merchant.webhooks.event")}</th>
                      <th scope="col">{t("merchant.webhooks.createdAt")}</th>
                      <th scope="col">{t("merchant.webhooks.status")}</th>
                      <th scope="col" class="num">
                        {t("merchant.webhooks.attempts")}
                      </th>
                      <th scope="col">{t("merchant.webhooks.lastAnswer")}</th>
                      <th scope="col">
                        <span class="visually-hidden">{t("merchant.item.actions")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((delivery) => (
                      <tr key={delivery.id}>
                        <th scope="row">{label(delivery.type)}</th>
                        <td>
                          <When iso={delivery.createdAt} />
                        </td>
                        <td>{t(`merchant.delivery.${delivery.status}` as MessageKey)}</td>
                        <td class="num">{delivery.attempts}</td>
                        <td>{delivery.lastStatusCode === null ? (delivery.lastError ?? "—") : `HTTP ${delivery.lastStatusCode}`}</td>
                        <td>
                          <button
                            type="button"
                            class="button button-small"
                            disabled={redeliver.busy}
                            onClick={async () => {
                              setRedelivered(undefined);
                              const answer = await redeliver.run(delivery.id);
                              if (answer === undefined) return;
                              setRedelivered(delivery.id);
                              setMore([]);
                              setEnded(false);
                              first.reload();
                            }}
                          >
                            {t("merchant.webhooks.redeliver")}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {ended || last === undefined || rows.length < Number(PAGE) ? null : (
                <button
                  type="button"
                  class="button"
                  disabled={next.busy}
                  onClick={async () => {
                    const answer = await next.run(last.seq);
                    if (answer === undefined) return;
                    setMore([...more, ...answer.deliveries]);
                    if (answer.deliveries.length < Number(PAGE)) setEnded(true);
                  }}
                >
                  {t("action.more")}
                </button>
              )}
              {next.error === undefined ? null : <ErrorNotice error={next.error} />}
            </>
          );
        }}
      </ResourceView>
    </Panel>
  );
}
