// Pieces the report pages share: a report's state as a tag, the caller's org units' names, the tabs of 报表中心
// (报表 at /reports, 定时报表 at /reports/schedules), and a message with a link in it.
import { Tabs, Tag } from "antd";
import { type ReactNode, useMemo } from "react";
import { type NavigateFunction, useNavigate } from "react-router-dom";

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

export const CENTER_PATH = "/reports";
export const SCHEDULES_PATH = "/reports/schedules";

/** 报表 | 定时报表: each tab its own address (the page of each loads with it). */
export function CenterTabs({ active }: { active: typeof CENTER_PATH | typeof SCHEDULES_PATH }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => navigate(key)}
      items={[
        { key: CENTER_PATH, label: <span data-testid="reports-tab-center">{t("reports.tabs.reports")}</span> },
        { key: SCHEDULES_PATH, label: <span data-testid="reports-tab-schedules">{t("reports.tabs.schedules")}</span> },
      ]}
      style={{ marginBottom: 4 }}
      data-testid="reports-tabs"
    />
  );
}

/** A message's content with a link after it. The message is drawn outside the router, so the link navigates with
 * the page's own `navigate` rather than being a router <Link>. */
export function withLink(text: ReactNode, link: { label: string; to: string; navigate: NavigateFunction; testId?: string }): ReactNode {
  return (
    <span>
      {text}{" "}
      <a
        href={link.to}
        onClick={(e) => {
          e.preventDefault();
          link.navigate(link.to);
        }}
        data-testid={link.testId}
      >
        {link.label}
      </a>
    </span>
  );
}
