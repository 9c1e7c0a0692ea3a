import { periodOfMonth } from "../format/period";
import { useI18n } from "../i18n/i18n";

/** A tax period (YYYYMM) as people read it: 2026年11月 / 2026-11. */
export function usePeriodText(): (period: number) => string {
  const { t } = useI18n();
  return (period) => t("period.value", { year: Math.floor(period / 100), month: String(period % 100).padStart(2, "0") });
}

/** A tax period picker: a month field, the period it names in words, and its error. */
export function PeriodPicker({ id, value, onChange, label }: { id: string; value: string; onChange(text: string): void; label?: string }) {
  const { t } = useI18n();
  const periodText = usePeriodText();
  const period = periodOfMonth(value);
  return (
    <div class={period === undefined ? "field field-invalid" : "field"}>
      <label for={id}>{label ?? t("invoice.period")}</label>
      <input id={id} type="month" value={value} aria-describedby={`${id}-hint`} aria-invalid={period === undefined ? "true" : undefined} onInput={(event) => onChange(event.currentTarget.value)} />
      <p class={period === undefined ? "field-error" : "field-hint"} id={`${id}-hint`}>
        {period === undefined ? t("period.invalid") : periodText(period)}
      </p>
    </div>
  );
}
