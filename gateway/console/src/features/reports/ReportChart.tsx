// A report's chart, loaded on its own (ECharts is the largest library): the title, conditions and table show before
// it arrives.
import { Skeleton } from "antd";
import { lazy, Suspense } from "react";

import type { ChartViewProps } from "./ChartView";

const ChartView = lazy(() => import("./ChartView"));

export function ReportChart(props: ChartViewProps) {
  return (
    <Suspense fallback={<Skeleton.Node active style={{ width: "100%", height: props.height ?? 300 }} />}>
      <ChartView {...props} />
    </Suspense>
  );
}
