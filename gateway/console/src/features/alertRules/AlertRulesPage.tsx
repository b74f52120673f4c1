// 预警规则: every alert rule with its kind, severity, scope, recipients and version; switched on or off in place
// (with the etag the list read) and opened in the editor. 新建规则 starts a rule of a chosen kind. A table on a
// desktop, cards on a phone; who may only read sees no switch and no new-rule button.
import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Dropdown, List, Space, Switch, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { Link, useNavigate } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { SeverityTag } from "@/features/alerts/parts";
import { ApiError } from "@/lib/api/client";
import { formatDay, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useAlertRules, useEnableAlertRule } from "./api";
import { type AlertRule, KINDS, kindOf } from "./logic";

/** Whom a rule alerts, in words (客户经理、支行负责人、2 个角色…). */
export function useRecipientsText() {
  const { t } = useI18n();
  return (rule: AlertRule) => {
    const r = rule.recipients;
    const parts = [
      r?.relationshipManager && t("alertRules.rm"),
      r?.branchManager && t("alertRules.branchManager"),
      r?.roles?.length && t("alertRules.rolesCount", { count: r.roles.length }),
      r?.users?.length && t("alertRules.usersCount", { count: r.users.length }),
    ].filter(Boolean);
    return parts.length ? parts.join("、") : kindOf(rule) === "taskDue" ? t("alertRules.assignee") : "—";
  };
}

/** Which customers a rule watches, in words. */
export function useScopeText() {
  const { t, enumText } = useI18n();
  return (rule: AlertRule) => {
    const parts = [
      rule.customerType && rule.customerType !== "CUSTOMER_TYPE_UNSPECIFIED" ? enumText("alertCustomerType", rule.customerType) : "",
      rule.tiers?.length ? t("alertRules.tiersCount", { count: rule.tiers.length }) : "",
      rule.orgUnits?.length ? t("alertRules.orgUnitsCount", { count: rule.orgUnits.length }) : "",
    ].filter(Boolean);
    return parts.length ? parts.join(" · ") : t("alertRules.allKeyCustomers");
  };
}

export default function AlertRulesPage() {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const manage = can(me, "alert_rules.manage");
  const rules = useAlertRules();
  const enable = useEnableAlertRule();
  const recipientsText = useRecipientsText();
  const scopeText = useScopeText();
  const list = rules.data?.alertRules ?? [];

  const toggle = (rule: AlertRule, enabled: boolean) =>
    enable.mutate(
      { ...rule, enabled },
      {
        onSuccess: () => void message.success(enabled ? t("alertRules.enabledNow", { name: rule.displayName }) : t("alertRules.disabledNow", { name: rule.displayName })),
        onError: (e) => void message.error(e instanceof ApiError && e.code === "ABORTED" ? t("alerts.stale") : String(e instanceof Error ? e.message : e)),
      },
    );
  const onOff = (rule: AlertRule) => (
    <Switch
      aria-label={`${t("alertRules.enabled")} ${rule.displayName}`}
      checked={Boolean(rule.enabled)}
      disabled={!manage}
      loading={enable.isPending && enable.variables?.name === rule.name}
      onChange={(on) => toggle(rule, on)}
    />
  );
  const newRule = manage && (
    <Dropdown
      trigger={["click"]}
      menu={{
        items: KINDS.map((k) => ({ key: k, label: enumText("alertRuleKind", k) })),
        onClick: ({ key }) => navigate(`/alert-rules/new?kind=${key}`),
      }}
    >
      <Button type="primary" icon={<PlusOutlined />}>
        {t("alertRules.new")}
      </Button>
    </Dropdown>
  );

  const columns: ColumnsType<AlertRule> = [
    {
      key: "name",
      title: t("alertRules.name"),
      render: (_, r) => <Link to={`/alert-rules/${resourceId(r.name)}`}>{r.displayName}</Link>,
    },
    { key: "kind", title: t("alertRules.kind"), width: 130, render: (_, r) => enumText("alertRuleKind", kindOf(r) ?? "") },
    { key: "severity", title: t("alerts.severity"), width: 80, render: (_, r) => <SeverityTag severity={r.severity} /> },
    { key: "scope", title: t("alertRules.scope"), width: 170, render: (_, r) => scopeText(r) },
    { key: "recipients", title: t("alertRules.recipients"), width: 170, render: (_, r) => recipientsText(r) },
    { key: "version", title: t("alertRules.version"), width: 70, align: "right", render: (_, r) => `v${r.version ?? 1}` },
    { key: "updated", title: t("alertRules.updated"), width: 110, render: (_, r) => formatDay(r.updateTime) },
    { key: "enabled", title: t("alertRules.enabled"), width: 80, render: (_, r) => onOff(r) },
  ];

  if (rules.isError) return <PageError error={rules.error} onRetry={() => void rules.refetch()} />;
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("alertRules.title")}
        </Typography.Title>
        <Space wrap>
          <Typography.Text type="secondary" data-testid="alert-rule-total">
            {t("alertRules.total", { count: list.length, enabled: list.filter((r) => r.enabled).length })}
          </Typography.Text>
          {newRule}
        </Space>
      </Space>
      {phone ? (
        <List
          loading={rules.isPending}
          dataSource={list}
          locale={{ emptyText: <NoData /> }}
          renderItem={(r) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="alert-rule-card">
              <Space style={{ width: "100%", justifyContent: "space-between" }} align="start">
                <Space orientation="vertical" size={2}>
                  <Link to={`/alert-rules/${resourceId(r.name)}`}>{r.displayName}</Link>
                  <Typography.Text type="secondary">
                    {enumText("alertRuleKind", kindOf(r) ?? "")} · {scopeText(r)}
                  </Typography.Text>
                  <Space size={4}>
                    <SeverityTag severity={r.severity} />
                    <Typography.Text type="secondary">{recipientsText(r)}</Typography.Text>
                  </Space>
                </Space>
                {onOff(r)}
              </Space>
            </Card>
          )}
        />
      ) : (
        <Table<AlertRule>
          rowKey={(r) => r.name ?? ""}
          size="middle"
          loading={rules.isPending}
          columns={columns}
          dataSource={list}
          pagination={false}
          locale={{ emptyText: <NoData /> }}
        />
      )}
    </Space>
  );
}
