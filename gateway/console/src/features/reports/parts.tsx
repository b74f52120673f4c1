// Pieces both report pages use: a report's state as a tag, and the caller's org units' and tiers' names.
import { Tag } from "antd";
import { useMemo } from "react";

import { useAllOrgUnits } from "@/features/control/api";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import type { ReportState } from "./logic";

const STATE_COLORS: Record<ReportState, string | undefined> = {
  STATE_UNSPECIFIED: undefined,
  STATE_PENDING: "default",
  STATE_RUNNING: "processing",
  STATE_SUCCEEDED: "green",
  STATE_FAILED: "red",
};

export function ReportStateTag({ state }: { state: ReportState | undefined }) {
  const { t } = useI18n();
  const s = state ?? "STATE_UNSPECIFIED";
  return (
    <Tag color={STATE_COLORS[s]} data-testid="report-state">
      {t(`reports.state.${s.replace("STATE_", "")}`)}
    </Tag>
  );
}

/** An org unit's name (`orgUnits/0100` → 北京分行) once the org tree is in, its id until then (or without it). */
export function useOrgUnitNames(enabled: boolean) {
  const units = useAllOrgUnits(enabled);
  return useMemo(() => {
    const names = new Map((units.data ?? []).map((u) => [u.name ?? "", u.displayName ?? ""]));
    return (name: string) => names.get(name) || resourceId(name);
  }, [units.data]);
}
