// The rule-set form editor: the ordered tiers (highest first), each with its names and its conditions (all / any
// groups of metric comparisons, nesting allowed), add / remove / move up and down; saved as the draft itself
// (UpdateTierRuleSet with the etag) or, from an active or archived set, as a new draft (CreateTierRuleSet). The
// API's field violations appear under the field they name; a stale etag says so.
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Tag, Typography } from "antd";
import { type ReactNode, useMemo, useState } from "react";

import { Field } from "@/components/ProblemField";
import { ApiError, api, must, type Schemas } from "@/lib/api/client";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import {
  addTier,
  check,
  type Draft,
  emptyComparison,
  fieldPaths,
  fromProto,
  type Group,
  groupDigits,
  MAX_DEPTH,
  type Match,
  MONEY_METRICS,
  metricsFor,
  moveChild,
  moveTier,
  type Node,
  OPERATORS,
  type Problems,
  removeTier,
  replaceChild,
  rulesToProto,
  unplaced,
  updateTier,
  violationProblems,
} from "./editor";

type RuleSet = Schemas["kam.customer.v1.TierRuleSet"];

interface NodeProps {
  path: string;
  depth: number;
  problems: Problems;
  metrics: string[];
  onEdit: (path: string) => void;
}

function ComparisonRow({
  node,
  path,
  problems,
  metrics,
  onEdit,
  onChange,
  actions,
}: NodeProps & { node: Extract<Node, { kind: "comparison" }>; onChange: (node: Node) => void; actions: ReactNode }) {
  const { t, enumText } = useI18n();
  const unit = !node.metric
    ? ""
    : MONEY_METRICS.has(node.metric)
      ? t("tiers.edit.yuan")
      : t(`tiers.edit.${{ METRIC_TENURE_MONTHS: "months", METRIC_TRANSACTION_COUNT_90: "transactions" }[node.metric as string] ?? "items"}`);
  const edit = (field: string, patch: Partial<typeof node>) => {
    onEdit(`${path}.${field}`);
    onChange({ ...node, ...patch });
  };
  return (
    <Row gutter={8} align="top" wrap>
      <Col xs={24} md={9}>
        <Field path={`${path}.metric`} problems={problems}>
          <Select
            aria-label={t("tiers.edit.metric")}
            value={node.metric}
            placeholder={t("tiers.edit.metric")}
            options={metrics.map((m) => ({ value: m, label: enumText("metric", m) }))}
            onChange={(metric) => edit("metric", { metric })}
          />
        </Field>
      </Col>
      <Col xs={8} md={4}>
        <Field path={`${path}.operator`} problems={problems}>
          <Select
            aria-label={t("tiers.edit.operator")}
            value={node.operator}
            options={OPERATORS.map((o) => ({ value: o, label: enumText("operator", o) }))}
            onChange={(operator) => edit("operator", { operator })}
          />
        </Field>
      </Col>
      <Col xs={16} md={7}>
        <Field path={`${path}.value`} problems={problems}>
          <Input
            aria-label={t("tiers.edit.threshold")}
            placeholder={t("tiers.edit.threshold")}
            value={node.value}
            inputMode="decimal"
            suffix={unit}
            className="kam-num"
            onChange={(e) => edit("value", { value: e.target.value })}
            onBlur={() => onChange({ ...node, value: groupDigits(node.value) })}
          />
        </Field>
      </Col>
      <Col xs={24} md={4}>
        {actions}
      </Col>
    </Row>
  );
}

function GroupEditor({ group, onChange, ...props }: NodeProps & { group: Group; onChange: (group: Group) => void }) {
  const { t } = useI18n();
  const { path, depth, problems, onEdit } = props;
  const moveButtons = (index: number, count: number, label: string) => (
    <Space size={0}>
      <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={`${t("tiers.edit.moveUp")} ${label}`} onClick={() => { onEdit(""); onChange(moveChild(group, index, -1)); }} />
      <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={index === count - 1} aria-label={`${t("tiers.edit.moveDown")} ${label}`} onClick={() => { onEdit(""); onChange(moveChild(group, index, 1)); }} />
      <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={`${t("tiers.edit.remove")} ${label}`} onClick={() => { onEdit(""); onChange(replaceChild(group, index, undefined)); }} />
    </Space>
  );
  return (
    <div>
      <Field path={`${path}.match`} problems={problems}>
        <Select<Match>
          aria-label={t("tiers.edit.match")}
          style={{ width: 200 }}
          value={group.match}
          options={(["MATCH_ALL", "MATCH_ANY"] as const).map((m) => ({ value: m, label: t(`tiers.edit.${m}`) }))}
          onChange={(match) => { onEdit(`${path}.match`); onChange({ ...group, match }); }}
        />
      </Field>
      {[`${path}.conditions`, path].map((p) => problems[p] && <Alert key={p} type="error" showIcon title={problems[p].join("；")} style={{ marginBottom: 8 }} />)}
      {group.conditions.map((node, index) => {
        const at = `${path}.conditions[${index}]`;
        const label = t("tiers.edit.conditionN", { n: index + 1 });
        const replace = (next: Node) => onChange(replaceChild(group, index, next));
        return node.kind === "comparison" ? (
          <ComparisonRow key={index} {...props} path={at} node={node} onChange={replace} actions={moveButtons(index, group.conditions.length, label)} />
        ) : (
          <div key={index} style={{ borderInlineStart: "3px solid #d6e4ff", paddingInlineStart: 12, marginBottom: 8 }}>
            <Space style={{ justifyContent: "space-between", width: "100%" }}>
              <Typography.Text type="secondary">{t("tiers.edit.subgroup")}</Typography.Text>
              {moveButtons(index, group.conditions.length, label)}
            </Space>
            <GroupEditor {...props} path={at} depth={depth + 1} group={node} onChange={(next) => replace(next)} />
          </div>
        );
      })}
      <Space wrap>
        <Button size="small" icon={<PlusOutlined />} onClick={() => { onEdit(""); onChange({ ...group, conditions: [...group.conditions, emptyComparison()] }); }}>
          {t("tiers.edit.addCondition")}
        </Button>
        {depth < MAX_DEPTH && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => { onEdit(""); onChange({ ...group, conditions: [...group.conditions, { kind: "group", match: "MATCH_ANY", conditions: [emptyComparison()] }] }); }}
          >
            {t("tiers.edit.addGroup")}
          </Button>
        )}
      </Space>
    </div>
  );
}

/** The editor of one rule set. `onCreated` gets the new draft's name when a non-draft was saved as a new draft. */
export function RuleSetEditor({ set, onCreated }: { set: RuleSet; onCreated: (name: string) => void }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const draftState = set.state === "STATE_DRAFT";
  const [draft, setDraft] = useState<Draft>(() => fromProto(set));
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<{ text: string; stale?: boolean } | null>(null);
  const [dirty, setDirty] = useState(false);
  const metrics = useMemo(() => metricsFor(set.customerType), [set.customerType]);

  /** A field changed: its problem goes; a change of structure ("" path) makes every indexed problem stale. */
  const onEdit = (path: string) => {
    setDirty(true);
    setProblems((all) => {
      if (!path) return {};
      const { [path]: _, ...rest } = all;
      return rest;
    });
  };
  const change = (next: Draft) => setDraft(next);

  const save = useMutation({
    mutationFn: () => {
      const body = {
        displayName: draft.displayName.trim(),
        customerType: set.customerType,
        rules: rulesToProto(draft),
        downgradeAfterScans: draft.downgradeAfterScans,
      };
      if (draftState) {
        return must(
          api.PATCH("/v1/tierRuleSets/{tierRuleSet}", {
            params: { path: { tierRuleSet: resourceId(set.name) }, query: { updateMask: "display_name,rules,downgrade_after_scans" } },
            body: { ...body, etag: set.etag },
          }),
        );
      }
      return must(api.POST("/v1/tierRuleSets", { params: { query: { requestId: crypto.randomUUID() } }, body }));
    },
    onSuccess: async (saved) => {
      setDirty(false);
      void message.success(t("tiers.saved"));
      await client.invalidateQueries({ queryKey: ["tierRuleSets"] });
      if (!draftState && saved.name) onCreated(saved.name);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === "ABORTED") setFailure({ text: t("tiers.edit.stale"), stale: true });
      else if (error instanceof ApiError && error.violations.length) {
        // the service's message names its own document paths: the fields marked in red say it better
        setProblems(violationProblems(error.violations));
        setFailure({ text: t("tiers.edit.fix") });
      } else setFailure({ text: error instanceof Error ? error.message : String(error) });
    },
  });

  const submit = () => {
    setFailure(null);
    const found = check(draft, {
      required: (field) => t("auth.required", { field }),
      tierId: t("tiers.edit.tierIdRule"),
      duplicate: t("tiers.edit.duplicate"),
      noTiers: t("tiers.edit.noTiers"),
      noConditions: t("tiers.edit.noConditions"),
      tierField: t("tiers.edit.tierId"),
      nameField: t("tiers.edit.nameZh"),
      valueField: t("tiers.edit.threshold"),
      metricField: t("tiers.edit.metric"),
      operatorField: t("tiers.edit.operator"),
    });
    setProblems(found);
    if (Object.keys(found).length) {
      setFailure({ text: t("tiers.edit.fix") });
      return;
    }
    save.mutate();
  };

  const rest = unplaced(problems, fieldPaths(draft));
  return (
    <Form layout="vertical" component="div" data-testid="rule-editor">
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t("tiers.editor")}
      </Typography.Title>
      {!draftState && <Typography.Paragraph type="secondary">{t("tiers.edit.asNewDraft")}</Typography.Paragraph>}
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Field path="display_name" problems={problems} label={t("tiers.name")}>
            <Input
              aria-label={t("tiers.name")}
              value={draft.displayName}
              maxLength={100}
              onChange={(e) => { onEdit("display_name"); change({ ...draft, displayName: e.target.value }); }}
            />
          </Field>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item label={t("tiers.customerType")} style={{ marginBottom: 8 }}>
            <Tag>{enumText("customerType", set.customerType)}</Tag>
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Field path="downgrade_after_scans" problems={problems} label={t("tiers.edit.downgradeAfterScans")}>
            <InputNumber
              aria-label={t("tiers.edit.downgradeAfterScans")}
              min={1}
              max={100}
              precision={0}
              value={draft.downgradeAfterScans}
              onChange={(v) => { onEdit("downgrade_after_scans"); change({ ...draft, downgradeAfterScans: Number(v ?? 1) }); }}
            />
          </Field>
        </Col>
      </Row>
      {draft.rules.map((rule, index) => {
        const path = `rules[${index}]`;
        const level = t("tiers.edit.level", { n: index + 1 });
        return (
          <Card
            key={rule.key}
            size="small"
            style={{ marginBottom: 12 }}
            data-testid="rule-editor-tier"
            title={
              <Space>
                <Tag color="blue">{level}</Tag>
                {rule.nameZh || rule.tier}
              </Space>
            }
            extra={
              <Space size={0}>
                <Button type="text" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={`${t("tiers.edit.moveUp")} ${level}`} onClick={() => { onEdit(""); change(moveTier(draft, index, -1)); }} />
                <Button type="text" icon={<ArrowDownOutlined />} disabled={index === draft.rules.length - 1} aria-label={`${t("tiers.edit.moveDown")} ${level}`} onClick={() => { onEdit(""); change(moveTier(draft, index, 1)); }} />
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={`${t("tiers.edit.remove")} ${level}`} onClick={() => { onEdit(""); change(removeTier(draft, index)); }} />
              </Space>
            }
          >
            <Row gutter={8}>
              <Col xs={24} md={8}>
                <Field path={`${path}.tier`} problems={problems} label={t("tiers.edit.tierId")}>
                  <Input prefix={<span className="kam-muted">tiers/</span>} aria-label={`${level} ${t("tiers.edit.tierId")}`} value={rule.tier} onChange={(e) => { onEdit(`${path}.tier`); change(updateTier(draft, index, { tier: e.target.value })); }} />
                </Field>
              </Col>
              <Col xs={12} md={8}>
                <Field path={`${path}.tier_display_name`} problems={problems} label={t("tiers.edit.nameZh")}>
                  <Input aria-label={`${level} ${t("tiers.edit.nameZh")}`} value={rule.nameZh} onChange={(e) => { onEdit(`${path}.tier_display_name`); change(updateTier(draft, index, { nameZh: e.target.value })); }} />
                </Field>
              </Col>
              <Col xs={12} md={8}>
                <Field path={`${path}.tier_display_name_en`} problems={problems} label={t("tiers.edit.nameEn")}>
                  <Input aria-label={`${level} ${t("tiers.edit.nameEn")}`} value={rule.nameEn} onChange={(e) => { onEdit(`${path}.tier_display_name_en`); change(updateTier(draft, index, { nameEn: e.target.value })); }} />
                </Field>
              </Col>
            </Row>
            <GroupEditor
              path={`${path}.condition`}
              depth={1}
              problems={problems}
              metrics={metrics}
              onEdit={onEdit}
              group={rule.condition}
              onChange={(condition) => change(updateTier(draft, index, { condition }))}
            />
          </Card>
        );
      })}
      {problems.rules && <Alert type="error" showIcon title={problems.rules.join("；")} style={{ marginBottom: 8 }} />}
      <Button type="dashed" block icon={<PlusOutlined />} onClick={() => { onEdit(""); change(addTier(draft)); }}>
        {t("tiers.edit.addTier")}
      </Button>
      {failure && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="rule-editor-error"
          style={{ marginTop: 12, whiteSpace: "pre-wrap" }}
          title={failure.text}
          description={rest.length ? rest.join("\n") : undefined}
          action={
            failure.stale ? (
              <Button size="small" onClick={() => void client.invalidateQueries({ queryKey: ["tierRuleSets"] })}>
                {t("tiers.edit.refresh")}
              </Button>
            ) : undefined
          }
        />
      )}
      <Space style={{ marginTop: 12 }} wrap>
        <Button type="primary" onClick={submit} loading={save.isPending}>
          {draftState ? t("tiers.saveDraft") : t("tiers.edit.saveAsDraft")}
        </Button>
        {dirty && <Typography.Text type="secondary">{t("tiers.edit.unsaved")}</Typography.Text>}
      </Space>
    </Form>
  );
}
