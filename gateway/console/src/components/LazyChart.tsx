// Charts load ECharts (the largest library) on their own: the figures around a chart show before it arrives.
import { Skeleton } from "antd";
import { lazy, Suspense } from "react";

import type { ChartOption } from "./Chart";

const Chart = lazy(() => import("./Chart").then((m) => ({ default: m.Chart })));

export type { ChartOption };

export function LazyChart(props: { option: ChartOption; height?: number; label: string }) {
  return (
    <Suspense fallback={<Skeleton.Node active style={{ width: "100%", height: props.height ?? 260 }} />}>
      <Chart {...props} />
    </Suspense>
  );
}
