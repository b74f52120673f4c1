// A report's chart: ECharts with the parts reports draw (bars, lines, heat maps), sized to its box and disposed
// with it, telling a click on a bar or point (its category's index) so that the page can drill down. Loaded on its
// own (ReportChart), like the console's other charts.
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

import type { ChartOption } from "@/components/LazyChart";

echarts.use([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CanvasRenderer]);

export interface ChartViewProps {
  option: ChartOption;
  height?: number;
  label: string;
  /** A bar or point clicked: its category's index. */
  onPick?: (dataIndex: number) => void;
}

export default function ChartView({ option, height = 300, label, onPick }: ChartViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    if (!box.current) return;
    const chart = echarts.init(box.current);
    chart.setOption(option);
    chart.on("click", (params) => {
      if (typeof params.dataIndex === "number") pick.current?.(params.dataIndex);
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [option]);
  return <div ref={box} role="img" aria-label={label} style={{ width: "100%", height, cursor: onPick ? "pointer" : undefined }} />;
}
