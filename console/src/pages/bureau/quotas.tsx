import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";

import { useAction, useResource } from "../../api/use-resource";
import { fenOfYuan } from "../../format/money";
import { useI18n } from "../../i18n/i18n";
import { Field } from "../../ui/field";
import { Page, Panel } from "../../ui/page";
import { Empty, ErrorNotice, Loading, Success } from "../../ui/views";
import { Money } from "../../ui/values";
import { currentPeriod, monthOfPeriod, periodOfMonth } from "../../format/period";
import { usePeriodText } from "../../ui/period";
import { BUREAU_BASE } from "./common";
import { useSettled } from "../../api/use-settled";

type Merchant = {
  account: string;
  name: string;
  taxpayerId?: string | undefined;
};
/** How many merchants the picker lists: those the API finds for the text typed (`q`), the first ones without. */
const LISTED = "50";

function QuotaView({
  account,
  period,
  name,
}: {
  account: string;
  period: number;
  name: string;
}) {
  const { t } = useI18n();
  const periodText = usePeriodText();
  const quota = useResource(
    (client, signal) =>
      client.getQuota({ params: { account, period: String(period) }, signal }),
    [account, period],
  );
  const [yuan, setYuan] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const grant = useAction((client, granted: string) =>
    client.setQuota({
      params: { account, period: String(period) },
      body: { granted },
    }),
  );

  return (
    <>
      <Panel
        title={t("bureau.quota.now", { name, period: periodText(period) })}
        id="quota-now"
      >
        {quota.status === "error" ? (
          <ErrorNotice error={quota.error} onRetry={quota.reload} />
        ) : quota.data === undefined ? (
          <Loading />
        ) : (
          <dl
            class="bureau-stats"
            data-testid="quota"
            data-granted={quota.data.granted}
            data-used={quota.data.used}
            aria-busy={quota.status === "loading"}
          >
            <div>
              <dt>{t("bureau.quota.granted")}</dt>
              <dd>
                <Money fen={quota.data.granted} />
              </dd>
            </div>
            <div>
              <dt>{t("bureau.quota.used")}</dt>
              <dd>
                <Money fen={quota.data.used} />
              </dd>
            </div>
            <div>
              <dt>{t("bureau.quota.remaining")}</dt>
              <dd>
                <Money
                  fen={
                    BigInt(quota.data.granted) > BigInt(quota.data.used)
                      ? BigInt(quota.data.granted) - BigInt(quota.data.used)
                      : 0n
                  }
                />
              </dd>
            </div>
          </dl>
        )}
      </Panel>
      <Panel title={t("bureau.quota.set")} id="quota-set">
        <form
          data-testid="quota-form"
          onSubmit={async (event) => {
            event.preventDefault();
            setDone(undefined);
            const fen = fenOfYuan(yuan);
            if (fen === undefined) {
              setError(t("field.yuan"));
              return;
            }
            setError(undefined);
            const answer = await grant.run(fen);
            if (answer === undefined) return;
            setDone(
              t("bureau.quota.done", { name, period: periodText(period) }),
            );
            setYuan("");
            quota.reload();
          }}
        >
          <Field
            id="quota-granted"
            label={t("bureau.quota.grantedYuan")}
            hint={t("bureau.quota.grantedHint")}
            error={error}
          >
            {(aria) => (
              <input
                {...aria}
                class="bureau-narrow"
                inputMode="decimal"
                autoComplete="off"
                value={yuan}
                onInput={(e) =>
                  setYuan((e.currentTarget as HTMLInputElement).value)
                }
              />
            )}
          </Field>
          {grant.error === undefined ? null : (
            <ErrorNotice error={grant.error} />
          )}
          {done === undefined ? null : <Success>{done}</Success>}
          <div class="form-actions">
            <button
              type="submit"
              class="button button-primary"
              disabled={grant.busy}
            >
              {grant.busy ? t("view.loading") : t("bureau.quota.submit")}
            </button>
          </div>
        </form>
      </Panel>
    </>
  );
}

/** 额度: a merchant's quota in a tax period (granted, used, remaining), and granting it. */
export function QuotasPage() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  // The text typed to find a merchant, asked of the API (`q`) once typing pauses.
  const [typed, setTyped] = useState("");
  const [q, searchNow] = useSettled(typed.trim());
  const merchants = useResource(
    async (client, signal) =>
      (
        await client.listParticipants({
          query: { role: "merchant", limit: LISTED, ...(q === "" ? {} : { q }) },
          signal,
        })
      ).participants as Merchant[],
    [q],
  );
  const account = query["merchant"] ?? "";
  // The merchant in the address, by its account (it may not be among the ones listed).
  const current = useResource(
    async (client, signal) =>
      account === ""
        ? undefined
        : ((await client.getParticipant({ params: { account }, signal })) as Merchant),
    [account],
  );
  const period =
    Number(query["period"]) >= 197001
      ? Number(query["period"])
      : currentPeriod();
  const [picked, setPicked] = useState(account);
  const [month, setMonth] = useState(monthOfPeriod(period));
  const found = merchants.data ?? [];
  const chosen = current.data;
  // The one picked stays a choice while the list shows other matches.
  const list =
    chosen !== undefined &&
    chosen.account === picked &&
    !found.some((m) => m.account === picked)
      ? [chosen, ...found]
      : found;

  return (
    <Page title={t("bureau.quota.title")}>
      <Panel title={t("bureau.quota.which")} id="quota-which">
        <form
          class="filters"
          onSubmit={(event) => {
            event.preventDefault();
            const p = periodOfMonth(month) ?? currentPeriod();
            if (picked !== "")
              route(`${BUREAU_BASE}/quotas?merchant=${picked}&period=${p}`);
          }}
        >
          <Field
            id="quota-find"
            label={t("bureau.quota.find")}
            hint={t("bureau.quota.find.hint")}
          >
            {(aria) => (
              <input
                {...aria}
                type="search"
                autoComplete="off"
                spellcheck={false}
                value={typed}
                onInput={(e) =>
                  setTyped((e.currentTarget as HTMLInputElement).value)
                }
                onKeyDown={(e) => {
                  // Enter finds at once (it does not show the quota of the merchant picked before).
                  if (e.key === "Enter") {
                    e.preventDefault();
                    searchNow();
                  }
                }}
              />
            )}
          </Field>
          <Field id="quota-merchant" label={t("invoice.seller")}>
            {(aria) => (
              <select
                {...aria}
                value={picked}
                required
                disabled={merchants.data === undefined && list.length === 0}
                aria-busy={merchants.status === "loading"}
                onChange={(e) =>
                  setPicked((e.currentTarget as HTMLSelectElement).value)
                }
              >
                <option value="">{t("bureau.quota.pick")}</option>
                {list.map((m) => (
                  <option key={m.account} value={m.account}>
                    {m.name}
                    {m.taxpayerId === undefined ? "" : ` · ${m.taxpayerId}`}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="quota-period" label={t("invoice.period")}>
            {(aria) => (
              <input
                {...aria}
                type="month"
                required
                value={month}
                onInput={(e) =>
                  setMonth((e.currentTarget as HTMLInputElement).value)
                }
              />
            )}
          </Field>
          <div class="field">
            <button type="submit" class="button button-primary">
              {t("bureau.quota.show")}
            </button>
          </div>
        </form>
        {merchants.status === "error" ? (
          <ErrorNotice error={merchants.error} onRetry={merchants.reload} />
        ) : merchants.data === undefined ? (
          <Loading />
        ) : found.length === 0 ? (
          <Empty>
            {q === ""
              ? t("bureau.quota.noMerchants")
              : t("bureau.quota.noMatch")}
          </Empty>
        ) : null}
      </Panel>
      {account === "" ? null : (
        <QuotaView
          key={`${account}-${period}`}
          account={account}
          period={period}
          name={chosen?.name ?? account}
        />
      )}
    </Page>
  );
}
