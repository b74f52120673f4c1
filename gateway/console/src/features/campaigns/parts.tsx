// Pieces the 营销 pages share: the state, stage and outcome tags, the progress bar, a value in the campaign's
// measure (yuan or a count with its unit), the period, the product, and the API's errors on the builder's fields.
import { type FormInstance, Progress, Tag } from "antd";
import type { App } from "antd";

import { useMemo } from "react";

import { useAllOrgUnits } from "@/features/control/api";
import { errorText } from "@/features/control/shared";
import { ApiError } from "@/lib/api/client";
import { formatDate, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import {
  type Campaign,
  measureNumber,
  measureOf,
  type Measure,
  OUTCOME_COLORS,
  planViolations,
  progressPercent,
  STAGE_COLORS,
  STATE_COLORS,
} from "./logic";

export function CampaignStateTag({ state }: { state?: string }) {
  const { enumText } = useI18n();
  return (
    <Tag color={STATE_COLORS[state ?? ""]} data-testid="campaign-state">
      {enumText("campaignState", state)}
    </Tag>
  );
}

export function StageTag({ stage }: { stage?: string }) {
  const { enumText } = useI18n();
  return (
    <Tag color={STAGE_COLORS[stage ?? ""]} data-testid="target-stage">
      {enumText("campaignStage", stage)}
    </Tag>
  );
}

export function OutcomeTag({ outcome }: { outcome?: string }) {
  const { enumText } = useI18n();
  return (
    <Tag color={OUTCOME_COLORS[outcome ?? ""]} data-testid="activity-outcome">
      {enumText("campaignOutcome", outcome)}
    </Tag>
  );
}

/** Progress against the target (the bar stops at 100 %, the text says how far beyond). */
export function CampaignProgress({ ratio, size = "small" }: { ratio?: number; size?: "small" | "default" }) {
  const { t } = useI18n();
  const percent = progressPercent(ratio);
  return (
    <Progress
      aria-label={t("campaigns.progress")}
      percent={percent}
      size={size}
      status={(ratio ?? 0) >= 1 ? "success" : "active"}
      format={() => `${((ratio ?? 0) * 100).toFixed(1)}%`}
      style={{ minWidth: 120, marginBottom: 0 }}
      data-testid="campaign-progress"
    />
  );
}

/** A value in a measure as read: an amount in CNY, a count with its unit (户, 个). */
export function useMeasureText() {
  const { t, lang } = useI18n();
  return (measure: Measure, value: number, compact = false) => {
    const number = measureNumber(measure, value, lang, compact);
    return measure === "MEASURE_AMOUNT" ? number : t(`campaigns.unit_${measure}`, { count: number });
  };
}

/** The campaign's target as read: `¥50,000,000.00`, `300 个账户`, `1,200 户`. */
export function TargetText({ campaign, compact }: { campaign: Campaign; compact?: boolean }) {
  const text = useMeasureText();
  const measure = measureOf(campaign);
  const value = measure === "MEASURE_AMOUNT" ? campaign.targetAmount : campaign.targetCount;
  if (!value) return <span>—</span>;
  const n = typeof value === "string" ? Number(value) : Number(value.units ?? 0) + (value.nanos ?? 0) / 1e9;
  return <span className="kam-num">{text(measure, n, compact)}</span>;
}

/** YYYY-MM-DD ~ YYYY-MM-DD. */
export function Period({ campaign }: { campaign: Pick<Campaign, "startDate" | "endDate"> }) {
  return (
    <span className="kam-num" data-testid="campaign-period">
      {formatDate(campaign.startDate)} ~ {formatDate(campaign.endDate)}
    </span>
  );
}

type MessageApi = ReturnType<typeof App.useApp>["message"];

/** An error of CreateCampaign / UpdateCampaign / LaunchCampaign: field violations under the builder's fields
 * (`campaign.segment.min_aum` under 最低资产, a unit's quota under it), anything else as a message. */
export function showPlanError(error: unknown, message: MessageApi, t: (key: string) => string, form: FormInstance, quotaUnits: readonly string[]): void {
  if (error instanceof ApiError && error.violations.length) {
    const { fields, rest } = planViolations(error.violations, quotaUnits);
    form.setFields(fields.map((f) => ({ name: f.name, errors: f.errors })));
    if (rest.length) void message.error(rest.join("；"));
    if (fields.length) void message.error(t("campaigns.fixFields"));
    return;
  }
  void message.error(errorText(error, t));
}

/** An org unit's name from the org tree (its code until the tree is in). */
export function useUnitNames() {
  const { data: me } = useMe();
  const units = useAllOrgUnits(can(me, "org_units.read"));
  const names = useMemo(() => new Map((units.data ?? []).map((u) => [u.name ?? "", u.displayName ?? ""])), [units.data]);
  return (unit: string | undefined) => names.get(unit ?? "") || resourceId(unit);
}
