import { useState } from "preact/hooks";

import { useSignedIn } from "../../api/session";
import { useResource } from "../../api/use-resource";
import { currentPeriod, monthOfPeriod, periodOfMonth } from "../../format/period";
import { useI18n } from "../../i18n/i18n";
import { Field } from "../../ui/field";
import { Page, Panel } from "../../ui/page";
import { usePeriodText } from "../../ui/period";
import { Money } from "../../ui/values";
import { ResourceView } from "../../ui/views";

/** 额度: what the bureau granted the merchant for a tax period, what is used of it, and what is left. */
export function QuotaPage() {
  const { t } = useI18n();
  const { party } = useSignedIn();
  const [period, setPeriod] = useState(currentPeriod);
  const periodText = usePeriodText();
  const quota = useResource((client) => client.getQuota({ params: { account: party.account, period: String(period) } }), [party.account, period]);

  return (
    <Page title={t("merchant.quota.title")}>
      <Panel title={t("merchant.quota.period")} id="quota-period">
        <div class="filters">
          <Field id="quota-month" label={t("merchant.quota.month")} hint={t("merchant.quota.month.hint")}>
            {(aria) => (
              <input
                {...aria}
                type="month"
                value={monthOfPeriod(period)}
                onChange={(event) => {
                  const next = periodOfMonth(event.currentTarget.value);
                  if (next !== undefined) setPeriod(next);
                }}
              />
            )}
          </Field>
        </div>
      </Panel>
      <ResourceView resource={quota}>
        {({ granted, used }) => {
          const grantedFen = BigInt(granted);
          const usedFen = BigInt(used);
          const remaining = grantedFen > usedFen ? grantedFen - usedFen : 0n;
          // Per mille, in integers: amounts in fen may exceed what a float holds exactly.
          const perMille = grantedFen === 0n ? (usedFen > 0n ? 1000n : 0n) : (usedFen * 1000n) / grantedFen;
          const percent = `${perMille / 10n}.${perMille % 10n}`;
          return (
            <Panel title={t("merchant.quota.of", { period: periodText(period) })} id="quota-figures">
              {grantedFen === 0n ? <p class="notice notice-info">{t("merchant.quota.none")}</p> : null}
              <dl class="facts merchant-quota-facts" data-testid="quota" data-granted={granted} data-used={used}>
                <dt>{t("merchant.quota.granted")}</dt>
                <dd>
                  <Money fen={granted} />
                </dd>
                <dt>{t("merchant.quota.used")}</dt>
                <dd data-testid="quota-used">
                  <Money fen={used} />
                </dd>
                <dt>{t("merchant.quota.remaining")}</dt>
                <dd>
                  <strong>
                    <Money fen={remaining} />
                  </strong>
                </dd>
              </dl>
              <div class="merchant-progress">
                <div
                  class="merchant-progress-track"
                  role="progressbar"
                  aria-label={t("merchant.quota.usedShare")}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Number(perMille > 1000n ? 1000n : perMille) / 10}
                  aria-valuetext={t("merchant.quota.usedText", { percent })}
                >
                  <div class={perMille >= 900n ? "merchant-progress-bar merchant-progress-high" : "merchant-progress-bar"} style={{ width: `${Number(perMille > 1000n ? 1000n : perMille) / 10}%` }} />
                </div>
                <p>{t("merchant.quota.usedText", { percent })}</p>
              </div>
            </Panel>
          );
        }}
      </ResourceView>
    </Page>
  );
}
