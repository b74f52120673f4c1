// 预警规则 editor: one rule (or a new one of a kind, `/alert-rules/new?kind=…`) — its condition's parameters, the
// customers it watches, whom it alerts, how often it repeats, quiet hours, escalation and the message to the
// customer. The console checks what is missing; the API checks the rest, and every problem shows under the field it
// names. A stale etag says so. Rules that watch transactions can be replayed first (回测) over the kept
// transactions of the last days: alerts per day as a chart and the customers as a table, beside the stored rule.
import { ArrowLeftOutlined, DeleteOutlined, ExperimentOutlined } from "@ant-design/icons";
import { App, Alert, Button, Card, Checkbox, Col, Form, Input, Popconfirm, Row, Select, Space, Statistic, Switch, Table, Typography } from "antd";
import { type ReactNode, useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { LazyChart } from "@/components/LazyChart";
import { PageError, PageLoading } from "@/components/PageState";
import { Field } from "@/components/ProblemField";
import { useRoles } from "@/features/control/api";
import { useTemplates } from "@/features/customerMessages/api";
import { useOrgUnits, useRelationshipManagers, useTierNames } from "@/features/customers/api";
import { ApiError } from "@/lib/api/client";
import { formatCount, formatDay, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useAlertRule, useBacktest, useDeleteAlertRule, useSaveAlertRule } from "./api";
import {
  type AlertRule,
  BACKTESTABLE,
  backtestDays,
  backtestRows,
  CASH_FILTERS,
  check,
  CUSTOMER_TYPES,
  DIRECTIONS,
  type Draft,
  emptyDraft,
  FESTIVALS,
  fieldPaths,
  fromRule,
  KEY_DATE_KINDS,
  KINDS,
  type Kind,
  type Problems,
  type RecipientsDraft,
  SEVERITIES,
  type Span,
  snake,
  toRule,
  type Unit,
  unplaced,
  updateMask,
  violationProblems,
  windowPath,
} from "./logic";

const BACKTEST_DAYS = [7, 30, 90];
/** The roles every installation has (offered when the caller may not list roles). */
const BUILT_IN_ROLES = ["roles/relationship_manager", "roles/branch_manager", "roles/head_office_leader", "roles/compliance", "roles/admin"];

/** A number and its unit (分钟 / 小时 / 天). */
function SpanInput({ label, span, onChange, units = ["m", "h", "d"] }: { label: string; span: Span; onChange: (span: Span) => void; units?: Unit[] }) {
  const { t } = useI18n();
  return (
    <Space.Compact style={{ width: "100%" }}>
      <Input aria-label={label} value={span.value} inputMode="decimal" className="kam-num" onChange={(e) => onChange({ ...span, value: e.target.value })} />
      <Select
        aria-label={`${label} ${t("alertRules.unit")}`}
        style={{ width: 90 }}
        value={span.unit}
        options={units.map((u) => ({ value: u, label: t(`alertRules.units.${u}`) }))}
        onChange={(unit) => onChange({ ...span, unit })}
      />
    </Space.Compact>
  );
}

/** An amount in 元, typed with or without separators. */
function AmountInput({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  return (
    <Input
      aria-label={label}
      value={value}
      inputMode="decimal"
      className="kam-num"
      suffix={t("tiers.edit.yuan")}
      onChange={(e) => onChange(e.target.value)}
      onBlur={() => {
        const n = Number(value.replace(/[,，\s]/g, ""));
        if (value.trim() && Number.isFinite(n)) onChange(n.toLocaleString("en-US", { maximumFractionDigits: 2 }));
      }}
    />
  );
}

/** Whom to alert: the customer's RM, the branch manager, roles and named users. */
function RecipientsInput({ path, value, onChange, problems, roles, users }: {
  path: string;
  value: RecipientsDraft;
  onChange: (value: RecipientsDraft) => void;
  problems: Problems;
  roles: { value: string; label: string }[];
  users: { value: string; label: string }[];
}) {
  const { t } = useI18n();
  return (
    <Field path={path} problems={problems}>
      <Space orientation="vertical" style={{ width: "100%" }}>
        <Space wrap>
          <Checkbox checked={value.relationshipManager} onChange={(e) => onChange({ ...value, relationshipManager: e.target.checked })}>
            {t("alertRules.rm")}
          </Checkbox>
          <Checkbox checked={value.branchManager} onChange={(e) => onChange({ ...value, branchManager: e.target.checked })}>
            {t("alertRules.branchManager")}
          </Checkbox>
        </Space>
        <Field path={`${path}.roles`} problems={problems}>
          <Select mode="tags" aria-label={`${t("alertRules.roles")}`} placeholder={t("alertRules.roles")} value={value.roles} options={roles} onChange={(r) => onChange({ ...value, roles: r })} />
        </Field>
        <Field path={`${path}.users`} problems={problems}>
          <Select
            mode="multiple"
            aria-label={`${t("alertRules.users")}`}
            placeholder={t("alertRules.users")}
            value={value.users}
            options={users}
            showSearch={{ optionFilterProp: "label" }}
            onChange={(u) => onChange({ ...value, users: u })}
          />
        </Field>
      </Space>
    </Field>
  );
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Card size="small" title={title} style={{ marginBottom: 12 }} data-testid={testId}>
      {children}
    </Card>
  );
}

/** The candidate rule replayed (and the stored one beside it): figures, alerts per day, customers. */
function BacktestPanel({ draft, stored, onError }: { draft: Draft; stored?: AlertRule; onError: (error: unknown) => void }) {
  const { t, lang } = useI18n();
  const [days, setDays] = useState(30);
  const backtest = useBacktest();
  const result = backtest.data;
  const series = useMemo(() => (result ? backtestDays(result) : undefined), [result]);
  const rows = useMemo(() => (result ? backtestRows(result) : []), [result]);
  const compared = Boolean(stored?.name);
  const option = useMemo(
    () =>
      series && {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 28 },
        xAxis: { type: "category", data: series.dates.map((d) => d.slice(5)) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: t("alertRules.backtest.candidate"), type: "bar", data: series.candidate, itemStyle: { color: "#1f4e8c" } },
          ...(compared ? [{ name: t("alertRules.backtest.current"), type: "bar", data: series.current, itemStyle: { color: "#bfbfbf" } }] : []),
        ],
      },
    [series, compared, t],
  );
  const run = () =>
    backtest.mutate(
      { rule: { ...toRule(draft), name: stored?.name }, days },
      { onError },
    );
  return (
    <Section title={t("alertRules.backtest.title")} testId="backtest">
      <Typography.Paragraph type="secondary">{t("alertRules.backtest.explain")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t("alertRules.backtest.days")}
          value={days}
          style={{ width: 140 }}
          options={BACKTEST_DAYS.map((d) => ({ value: d, label: t("alertRules.backtest.lastDays", { count: d }) }))}
          onChange={setDays}
        />
        <Button icon={<ExperimentOutlined />} onClick={run} loading={backtest.isPending}>
          {t("alertRules.backtest.run")}
        </Button>
      </Space>
      {backtest.isError && !(backtest.error instanceof ApiError && backtest.error.violations.length) && (
        <Alert type="error" showIcon role="alert" title={backtest.error instanceof Error ? backtest.error.message : String(backtest.error)} />
      )}
      {result && series && option && (
        <>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}>
              <Statistic title={t("alertRules.backtest.candidateAlerts")} value={formatCount(result.candidate?.alertCount ?? 0, lang)} data-testid="backtest-candidate-alerts" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t("alertRules.backtest.candidateCustomers")} value={formatCount(result.candidate?.customerCount ?? 0, lang)} data-testid="backtest-candidate-customers" />
            </Col>
            {compared && (
              <>
                <Col xs={12} md={6}>
                  <Statistic title={t("alertRules.backtest.currentAlerts")} value={formatCount(result.current?.alertCount ?? 0, lang)} data-testid="backtest-current-alerts" />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={t("alertRules.backtest.currentCustomers")} value={formatCount(result.current?.customerCount ?? 0, lang)} data-testid="backtest-current-customers" />
                </Col>
              </>
            )}
          </Row>
          <Typography.Text type="secondary" data-testid="backtest-period">
            {t("alertRules.backtest.period", {
              from: formatDay(result.startTime),
              to: formatDay(result.endTime),
              count: formatCount(result.transactionCount ?? 0, lang),
            })}
          </Typography.Text>
          <LazyChart option={option} height={240} label={t("alertRules.backtest.chart")} />
          <Table
            size="small"
            rowKey="customer"
            data-testid="backtest-customers"
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={rows}
            columns={[
              {
                key: "customer",
                title: t("alerts.customer"),
                render: (_, r) => <Link to={`/customers/${resourceId(r.customer)}`}>{r.displayName}</Link>,
              },
              { key: "candidate", title: t("alertRules.backtest.candidate"), align: "right", render: (_, r) => formatCount(r.candidate, lang) },
              ...(compared ? [{ key: "current", title: t("alertRules.backtest.current"), align: "right" as const, render: (_: unknown, r: (typeof rows)[number]) => formatCount(r.current, lang) }] : []),
            ]}
          />
        </>
      )}
    </Section>
  );
}

function Editor({ stored, kind }: { stored?: AlertRule; kind: Kind }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const manage = can(me, "alert_rules.manage");
  const [draft, setDraft] = useState<Draft>(() => (stored ? fromRule(stored) : emptyDraft(kind)));
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<{ text: string; stale?: boolean } | null>(null);
  const [dirty, setDirty] = useState(false);
  const [requestId] = useState(() => crypto.randomUUID());
  const save = useSaveAlertRule();
  const remove = useDeleteAlertRule();
  const tiers = useTierNames();
  const orgUnits = useOrgUnits();
  const managers = useRelationshipManagers(manage);
  const roleList = useRoles(manage);
  const templates = useTemplates(manage && can(me, "notification_templates.read"));
  const c = snake(draft.kind);

  const edit = (path: string, patch: Partial<Draft>) => {
    setDirty(true);
    setProblems(({ [path]: _, ...rest }) => rest);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const fail = (error: unknown) => {
    if (error instanceof ApiError && error.code === "ABORTED") setFailure({ text: t("alertRules.stale"), stale: true });
    else if (error instanceof ApiError && error.violations.length) {
      setProblems(violationProblems(error.violations));
      setFailure({ text: t("tiers.edit.fix") });
    } else setFailure({ text: error instanceof Error ? error.message : String(error) });
  };
  const found = () => {
    setFailure(null);
    const problems = check(draft, { required: t("alertRules.required"), number: t("alertRules.notNumber"), time: t("alertRules.notTime") });
    setProblems(problems);
    if (Object.keys(problems).length) setFailure({ text: t("tiers.edit.fix") });
    return Object.keys(problems).length > 0;
  };
  const submit = () => {
    if (found()) return;
    const rule = stored ? { ...toRule(draft), name: stored.name, etag: stored.etag } : toRule(draft);
    save.mutate(
      { rule, mask: updateMask(draft.kind), requestId },
      {
        onSuccess: (saved) => {
          setDirty(false);
          void message.success(t("alertRules.saved", { version: saved.version ?? 1 }));
          if (!stored) navigate(`/alert-rules/${resourceId(saved.name)}`, { replace: true });
        },
        onError: fail,
      },
    );
  };

  const users = (managers.data?.users ?? []).map((u) => ({ value: u.name ?? "", label: u.displayName ?? u.name ?? "" }));
  const templateOptions = (templates.data ?? []).map((x) => ({ value: x.name ?? "", label: x.displayName ?? x.name ?? "" }));
  const roles = roleList.data?.length
    ? roleList.data.map((r) => ({ value: r.name ?? "", label: r.displayName ?? r.name ?? "" }))
    : BUILT_IN_ROLES.map((r) => ({ value: r, label: r }));
  const rest = unplaced(problems, fieldPaths(draft));
  const at = (field: string) => `${c}.${field}`;

  const conditionFields: Record<Kind, ReactNode> = {
    largeTransaction: (
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Field path={at("threshold")} problems={problems} label={t("alertRules.threshold")}>
            <AmountInput label={t("alertRules.threshold")} value={draft.threshold} onChange={(threshold) => edit(at("threshold"), { threshold })} />
          </Field>
        </Col>
        <Col xs={12} md={5}>
          <Field path={at("direction")} problems={problems} label={t("alertRules.direction")}>
            <Select aria-label={t("alertRules.direction")} value={draft.direction} options={DIRECTIONS.map((v) => ({ value: v, label: enumText("alertDirection", v) }))} onChange={(direction) => edit(at("direction"), { direction })} />
          </Field>
        </Col>
        <Col xs={12} md={5}>
          <Field path={at("cash")} problems={problems} label={t("alertRules.cash")}>
            <Select aria-label={t("alertRules.cash")} value={draft.cash} options={CASH_FILTERS.map((v) => ({ value: v, label: enumText("cashFilter", v) }))} onChange={(cash) => edit(at("cash"), { cash })} />
          </Field>
        </Col>
        <Col xs={24} md={6}>
          <Field path={at("channel")} problems={problems} label={t("alertRules.channel")}>
            <Input aria-label={t("alertRules.channel")} placeholder={t("alertRules.anyChannel")} value={draft.channel} onChange={(e) => edit(at("channel"), { channel: e.target.value })} />
          </Field>
        </Col>
        <Col span={24}>
          <Checkbox checked={draft.sameDayCumulative} onChange={(e) => edit(c, { sameDayCumulative: e.target.checked })}>
            {t("alertRules.sameDayCumulative")}
          </Checkbox>
        </Col>
      </Row>
    ),
    frequentWithdrawals: (
      <Row gutter={12}>
        <Col xs={24} md={6}>
          <Field path={at("max_amount")} problems={problems} label={t("alertRules.maxAmount")}>
            <AmountInput label={t("alertRules.maxAmount")} value={draft.maxAmount} onChange={(maxAmount) => edit(at("max_amount"), { maxAmount })} />
          </Field>
        </Col>
        <Col xs={12} md={6}>
          <Field path={at("min_count")} problems={problems} label={t("alertRules.minCount")}>
            <Input aria-label={t("alertRules.minCount")} inputMode="numeric" value={draft.minCount} onChange={(e) => edit(at("min_count"), { minCount: e.target.value })} />
          </Field>
        </Col>
        <Col xs={12} md={6}>
          <Field path={at("min_total")} problems={problems} label={t("alertRules.minTotal")}>
            <AmountInput label={t("alertRules.minTotal")} value={draft.minTotal} onChange={(minTotal) => edit(at("min_total"), { minTotal })} />
          </Field>
        </Col>
        <Col xs={24} md={6}>
          <Field path={windowPath(draft.kind)} problems={problems} label={t("alertRules.window")}>
            <SpanInput label={t("alertRules.window")} span={draft.window} onChange={(window) => edit(windowPath(draft.kind), { window })} />
          </Field>
        </Col>
        <Col span={24}>
          <Checkbox checked={draft.perAccount} onChange={(e) => edit(c, { perAccount: e.target.checked })}>
            {t("alertRules.perAccount")}
          </Checkbox>
        </Col>
      </Row>
    ),
    balanceDrop: (
      <Row gutter={12}>
        <Col xs={12} md={8}>
          <Field path={at("min_drop_percent")} problems={problems} label={t("alertRules.minDropPercent")}>
            <Input aria-label={t("alertRules.minDropPercent")} inputMode="decimal" suffix="%" value={draft.minDropPercent} onChange={(e) => edit(at("min_drop_percent"), { minDropPercent: e.target.value })} />
          </Field>
        </Col>
        <Col xs={12} md={8}>
          <Field path={at("min_drop_amount")} problems={problems} label={t("alertRules.minDropAmount")}>
            <AmountInput label={t("alertRules.minDropAmount")} value={draft.minDropAmount} onChange={(minDropAmount) => edit(at("min_drop_amount"), { minDropAmount })} />
          </Field>
        </Col>
        <Col xs={24} md={8}>
          <Field path={windowPath(draft.kind)} problems={problems} label={t("alertRules.window")}>
            <SpanInput label={t("alertRules.window")} span={draft.window} units={["h", "d"]} onChange={(window) => edit(windowPath(draft.kind), { window })} />
          </Field>
        </Col>
      </Row>
    ),
    dormancy: (
      <Field path={windowPath(draft.kind)} problems={problems} label={t("alertRules.quietPeriod")}>
        <SpanInput label={t("alertRules.quietPeriod")} span={draft.window} units={["d"]} onChange={(window) => edit(windowPath(draft.kind), { window })} />
      </Field>
    ),
    keyDate: (
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Field path={at("kind")} problems={problems} label={t("alertRules.keyDateKind")}>
            <Select aria-label={t("alertRules.keyDateKind")} value={draft.keyDateKind} options={KEY_DATE_KINDS.map((v) => ({ value: v, label: enumText("alertKeyDateKind", v) }))} onChange={(keyDateKind) => edit(at("kind"), { keyDateKind })} />
          </Field>
        </Col>
        <Col xs={24} md={12}>
          <Field path={at("lead_time")} problems={problems} label={t("alertRules.leadTime")}>
            <SpanInput label={t("alertRules.leadTime")} span={draft.leadTime} units={["h", "d"]} onChange={(leadTime) => edit(at("lead_time"), { leadTime })} />
          </Field>
        </Col>
      </Row>
    ),
    festival: (
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Field path={at("festivals")} problems={problems} label={t("alertRules.festivals")}>
            <Select mode="multiple" aria-label={t("alertRules.festivals")} placeholder={t("alertRules.allFestivals")} value={draft.festivals} options={FESTIVALS.map((v) => ({ value: v, label: enumText("festival", v) }))} onChange={(festivals) => edit(at("festivals"), { festivals })} />
          </Field>
        </Col>
        <Col xs={24} md={12}>
          <Field path={at("lead_time")} problems={problems} label={t("alertRules.leadTime")}>
            <SpanInput label={t("alertRules.leadTime")} span={draft.leadTime} units={["d"]} onChange={(leadTime) => edit(at("lead_time"), { leadTime })} />
          </Field>
        </Col>
      </Row>
    ),
    tierChange: (
      <Field path={c} problems={problems}>
        <Space wrap>
          <Checkbox checked={draft.upgrades} onChange={(e) => edit(c, { upgrades: e.target.checked })}>
            {t("alertRules.upgrades")}
          </Checkbox>
          <Checkbox checked={draft.downgrades} onChange={(e) => edit(c, { downgrades: e.target.checked })}>
            {t("alertRules.downgrades")}
          </Checkbox>
        </Space>
      </Field>
    ),
    taskDue: (
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Field path={at("lead_time")} problems={problems} label={t("alertRules.leadTime")}>
            <SpanInput label={t("alertRules.leadTime")} span={draft.leadTime} onChange={(leadTime) => edit(at("lead_time"), { leadTime })} />
          </Field>
        </Col>
        <Col xs={24} md={12}>
          <Checkbox checked={draft.alertWhenOverdue} onChange={(e) => edit(c, { alertWhenOverdue: e.target.checked })}>
            {t("alertRules.alertWhenOverdue")}
          </Checkbox>
        </Col>
      </Row>
    ),
  };

  return (
    <Form layout="vertical" component="div" disabled={!manage} data-testid="alert-rule-editor">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 12 }} wrap>
        <Space>
          <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t("alertRules.back")} onClick={() => navigate("/alert-rules")} disabled={false} />
          <Typography.Title level={4} style={{ margin: 0 }}>
            {stored ? stored.displayName : t("alertRules.newOf", { kind: enumText("alertRuleKind", draft.kind) })}
          </Typography.Title>
        </Space>
        {stored && (
          <Typography.Text type="secondary" data-testid="alert-rule-version">
            {t("alertRules.versionLine", { version: stored.version ?? 1, time: formatTime(stored.updateTime) })}
          </Typography.Text>
        )}
      </Space>
      <Section title={t("alertRules.basics")}>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Field path="display_name" problems={problems} label={t("alertRules.name")}>
              <Input aria-label={t("alertRules.name")} maxLength={100} value={draft.displayName} onChange={(e) => edit("display_name", { displayName: e.target.value })} />
            </Field>
          </Col>
          <Col xs={12} md={6}>
            <Field path="severity" problems={problems} label={t("alerts.severity")}>
              <Select aria-label={t("alerts.severity")} value={draft.severity} options={SEVERITIES.map((v) => ({ value: v, label: enumText("alertSeverity", v) }))} onChange={(severity) => edit("severity", { severity })} />
            </Field>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t("alertRules.enabled")} style={{ marginBottom: 8 }}>
              <Switch aria-label={t("alertRules.enabled")} checked={draft.enabled} onChange={(enabled) => edit("enabled", { enabled })} />
            </Form.Item>
          </Col>
        </Row>
      </Section>
      <Section title={`${t("alertRules.condition")} · ${enumText("alertRuleKind", draft.kind)}`} testId="alert-rule-condition">
        {conditionFields[draft.kind]}
      </Section>
      <Section title={t("alertRules.scope")}>
        <Row gutter={12}>
          <Col xs={24} md={6}>
            <Field path="customer_type" problems={problems} label={t("alertRules.customerType")}>
              <Select aria-label={t("alertRules.customerType")} value={draft.customerType} options={CUSTOMER_TYPES.map((v) => ({ value: v, label: enumText("alertCustomerType", v) }))} onChange={(customerType) => edit("customer_type", { customerType })} />
            </Field>
          </Col>
          <Col xs={24} md={9}>
            <Field path="tiers" problems={problems} label={t("alertRules.tiers")}>
              <Select mode="multiple" aria-label={t("alertRules.tiers")} placeholder={t("alertRules.allKeyCustomers")} value={draft.tiers} options={tiers.tiers.map((v) => ({ value: v, label: tiers.name(v) }))} onChange={(v) => edit("tiers", { tiers: v })} />
            </Field>
          </Col>
          <Col xs={24} md={9}>
            <Field path="org_units" problems={problems} label={t("alertRules.orgUnits")}>
              <Select
                mode="multiple"
                aria-label={t("alertRules.orgUnits")}
                placeholder={t("alertRules.allOrgUnits")}
                value={draft.orgUnits}
                showSearch={{ optionFilterProp: "label" }}
                options={(orgUnits.data?.orgUnits ?? []).map((o) => ({ value: o.name ?? "", label: o.displayName ?? o.name ?? "" }))}
                onChange={(v) => edit("org_units", { orgUnits: v })}
              />
            </Field>
          </Col>
        </Row>
      </Section>
      <Section title={t("alertRules.recipients")}>
        {draft.kind === "taskDue" && <Typography.Paragraph type="secondary">{t("alertRules.taskAssignee")}</Typography.Paragraph>}
        <RecipientsInput path="recipients" value={draft.recipients} problems={problems} roles={roles} users={users} onChange={(recipients) => edit("recipients", { recipients })} />
      </Section>
      <Section title={t("alertRules.delivery")}>
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Field path="repeat_interval" problems={problems} label={t("alertRules.repeat")}>
              <SpanInput label={t("alertRules.repeat")} span={draft.repeat} onChange={(repeat) => edit("repeat_interval", { repeat })} />
            </Field>
          </Col>
          <Col xs={24} md={8}>
            <Field path="max_notify_count" problems={problems} label={t("alertRules.maxNotifyCount")}>
              <Input aria-label={t("alertRules.maxNotifyCount")} inputMode="numeric" placeholder={t("alertRules.unlimited")} value={draft.maxNotifyCount} onChange={(e) => edit("max_notify_count", { maxNotifyCount: e.target.value })} />
            </Field>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label={t("alertRules.quietHours")} style={{ marginBottom: 8 }}>
              <Space wrap>
                <Switch aria-label={t("alertRules.quietHours")} checked={draft.quiet} onChange={(quiet) => edit("quiet_hours", { quiet })} />
                {draft.quiet && (
                  <>
                    <Field path="quiet_hours.start_minute" problems={problems}>
                      <Input aria-label={t("alertRules.quietFrom")} style={{ width: 90 }} value={draft.quietStart} onChange={(e) => edit("quiet_hours.start_minute", { quietStart: e.target.value })} />
                    </Field>
                    <Field path="quiet_hours.end_minute" problems={problems}>
                      <Input aria-label={t("alertRules.quietTo")} style={{ width: 90 }} value={draft.quietEnd} onChange={(e) => edit("quiet_hours.end_minute", { quietEnd: e.target.value })} />
                    </Field>
                  </>
                )}
              </Space>
            </Form.Item>
          </Col>
        </Row>
        <Field path="escalation" problems={problems}>
          <Checkbox checked={draft.escalate} onChange={(e) => edit("escalation", { escalate: e.target.checked })}>
            {t("alertRules.escalate")}
          </Checkbox>
        </Field>
        {draft.escalate && (
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Field path="escalation.after" problems={problems} label={t("alertRules.escalateAfter")}>
                <SpanInput label={t("alertRules.escalateAfter")} span={draft.escalateAfter} onChange={(escalateAfter) => edit("escalation.after", { escalateAfter })} />
              </Field>
              <Checkbox checked={draft.escalateUp} onChange={(e) => edit("escalation", { escalateUp: e.target.checked })}>
                {t("alertRules.escalateUp")}
              </Checkbox>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item label={t("alertRules.escalateTo")} style={{ marginBottom: 8 }}>
                <RecipientsInput path="escalation.recipients" value={draft.escalateTo} problems={problems} roles={roles} users={users} onChange={(escalateTo) => edit("escalation", { escalateTo })} />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Field path="customer_message_template" problems={problems} label={t("alertRules.template")}>
          <Select
            aria-label={t("alertRules.template")}
            allowClear
            showSearch={{ optionFilterProp: "label" }}
            placeholder={t("alertRules.templatePlaceholder")}
            loading={templates.isPending}
            options={templateOptions}
            value={draft.template || undefined}
            onChange={(value?: string) => edit("customer_message_template", { template: value ?? "" })}
          />
        </Field>
      </Section>
      {failure && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="alert-rule-error"
          style={{ marginBottom: 12, whiteSpace: "pre-wrap" }}
          title={failure.text}
          description={rest.length ? rest.join("\n") : undefined}
        />
      )}
      {manage && (
        <Space wrap style={{ marginBottom: 16 }}>
          <Button type="primary" onClick={submit} loading={save.isPending}>
            {stored ? t("alertRules.save") : t("alertRules.create")}
          </Button>
          {stored && (
            <Popconfirm
              title={t("alertRules.deleteConfirm", { name: stored.displayName })}
              onConfirm={() =>
                remove.mutate(stored, {
                  onSuccess: () => {
                    void message.success(t("alertRules.deleted"));
                    navigate("/alert-rules");
                  },
                  onError: fail,
                })
              }
            >
              <Button danger icon={<DeleteOutlined />} loading={remove.isPending}>
                {t("alertRules.delete")}
              </Button>
            </Popconfirm>
          )}
          {dirty && <Typography.Text type="secondary">{t("tiers.edit.unsaved")}</Typography.Text>}
        </Space>
      )}
      {manage && BACKTESTABLE.has(draft.kind) && <BacktestPanel draft={draft} stored={stored} onError={fail} />}
    </Form>
  );
}

export default function AlertRuleEditorPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const creating = id === "new";
  const rule = useAlertRule(creating ? undefined : id);
  const asked = params.get("kind");
  const kind = (KINDS as readonly string[]).includes(asked ?? "") ? (asked as Kind) : "largeTransaction";
  if (creating) return <Editor key={`new-${kind}`} kind={kind} />;
  if (rule.isPending) return <PageLoading />;
  if (rule.isError) return <PageError error={rule.error} onRetry={() => void rule.refetch()} />;
  // a saved rule comes back with a new etag and version: the editor starts again from it
  return <Editor key={`${rule.data.name}@${rule.data.etag}`} stored={rule.data} kind={kind} />;
}
