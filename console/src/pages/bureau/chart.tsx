import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from "echarts/components";
import { init, use, type EChartsCoreOption } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

import { useI18n } from "../../i18n/i18n";

// Only what the bureau's charts draw goes into its chunk.
use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/**
 * One chart: initialised on mount, resized with its element, disposed on unmount. The picture has an
 * accessible name; the same figures follow as a plain table in "show as table" (`children`), so nothing is
 * only in the picture.
 */
export function Chart({
  option,
  label,
  children,
  testId,
}: {
  option: EChartsCoreOption;
  label: string;
  children: ComponentChildren;
  testId?: string;
}) {
  const { t } = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);

  useEffect(() => {
    const node = element.current;
    if (node === null) return;
    const instance = init(node, undefined, { renderer: "canvas" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <figure class="bureau-figure" data-testid={testId}>
      <div ref={element} class="chart" role="img" aria-label={label} />
      <details class="bureau-table-toggle">
        <summary>{t("bureau.chart.asTable")}</summary>
        {children}
      </details>
    </figure>
  );
}
