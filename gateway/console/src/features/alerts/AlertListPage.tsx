// 预警中心: the alerts in the caller's scope, newest first — counts by severity of those needing action, filters
// kept in the address (state, severity, rule, days, only mine), a table with bulk 确认 / 解决 (desktop) or cards
// (phone). New alerts arrive through the push stream and refetch the page.
import { Button, Card, Checkbox, Col, DatePicker, Input, List, Row, Select, Space, Statistic, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import dayjs from "dayjs";
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { useAddressFilters } from "@/lib/addressFilters";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useAlertCount, useAlertPage, useAlertRuleNames } from "./api";
import { useRelationshipManagers } from "@/features/customers/api";

import { type AlertFilters, type AlertItem, SEVERITIES, STATES, alertFilter, allowedForAll, asName, filtersFromParams, filtersToParams } from "./logic";
import { SeverityTag, StateTag } from "./parts";
import { useAlertActions } from "./useAlertActions";

const PAGE_SIZE = 50;

/** How many open alerts of one severity there are (in the caller's scope and the list's "only mine"). */
function SeverityCount({ severity, filters, me, onPick }: { severity: string; filters: AlertFilters; me?: string; onPick: () => void }) {
  const { t, lang, enumText } = useI18n();
  const { mine, recipient, customer, rule } = filters;
  const count = useAlertCount(alertFilter({ severity, mine, recipient, customer, rule, state: "STATE_OPEN" }, me));
  return (
    <Card size="small" hoverable onClick={onPick} data-testid={`severity-count-${severity}`}>
      <Statistic title={`${enumText("alertSeverity", severity)} · ${t("alerts.active")}`} value={formatCount(count.data ?? 0, lang)} loading={count.isPending} />
    </Card>
  );
}

export default function AlertListPage() {
  const { t, enumText } = useI18n();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const [filters, setFilters] = useAddressFilters(filtersFromParams, filtersToParams);
  const pager = usePageTokens();
  const page = useAlertPage(filters, me?.name, PAGE_SIZE, pager.token);
  const rules = useAlertRuleNames(can(me, "alert_rules.read"));
  const alerts = useMemo(() => page.data?.alerts ?? [], [page.data]);
  const [selected, setSelected] = useState<string[]>([]);
  const chosen = alerts.filter((a) => selected.includes(a.name ?? ""));
  const actions = useAlertActions(() => setSelected([]));
  const mayHandle = can(me, "alerts.handle");
  const mayListUsers = can(me, "users.read");
  const managers = useRelationshipManagers(mayListUsers);
  const [customerDraft, setCustomerDraft] = useState<string | undefined>(undefined);
  const change = (next: Partial<AlertFilters>) => {
    pager.reset();
    setSelected([]);
    setFilters(next);
  };

  const columns: ColumnsType<AlertItem> = [
    { key: "severity", title: t("alerts.severity"), width: 90, render: (_, a) => <SeverityTag severity={a.severity} /> },
    {
      key: "title",
      title: t("alerts.alert"),
      render: (_, a) => (
        <Link to={`/alerts/${resourceId(a.name)}`} data-testid="alert-link">
          {a.title}
        </Link>
      ),
    },
    { key: "rule", title: t("alerts.rule"), render: (_, a) => rules.name(a.rule) },
    { key: "occurrences", title: t("alerts.occurrences"), align: "right", width: 70, render: (_, a) => a.occurrenceCount ?? 1 },
    { key: "state", title: t("alerts.state"), width: 110, render: (_, a) => <StateTag state={a.state} /> },
    { key: "time", title: t("alerts.createTime"), width: 150, render: (_, a) => formatTime(a.createTime) },
  ];

  const filterBar = (
    <Space wrap style={{ marginBottom: 12 }}>
      <Select
        aria-label={t("alerts.state")}
        placeholder={t("alerts.state")}
        allowClear
        style={{ width: 130 }}
        value={filters.state}
        onChange={(state) => change({ state })}
        options={STATES.map((v) => ({ value: v, label: enumText("alertState", v) }))}
      />
      <Select
        aria-label={t("alerts.severity")}
        placeholder={t("alerts.severity")}
        allowClear
        style={{ width: 110 }}
        value={filters.severity}
        onChange={(severity) => change({ severity })}
        options={SEVERITIES.map((v) => ({ value: v, label: enumText("alertSeverity", v) }))}
      />
      {rules.rules.length ? (
        <Select
          aria-label={t("alerts.rule")}
          placeholder={t("alerts.rule")}
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          style={{ width: 220 }}
          value={filters.rule}
          onChange={(rule) => change({ rule })}
          options={rules.rules.map((r) => ({ value: r.name, label: r.displayName }))}
        />
      ) : null}
      <DatePicker.RangePicker
        aria-label={t("alerts.createTime")}
        placeholder={[t("alerts.from"), t("alerts.to")]}
        format="YYYY-MM-DD"
        value={filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null}
        onChange={(range) =>
          change({ from: range?.[0]?.format("YYYY-MM-DD") ?? undefined, to: range?.[1]?.format("YYYY-MM-DD") ?? undefined })
        }
      />
      <Input.Search
        aria-label={t("alerts.customerId")}
        placeholder={t("alerts.customerId")}
        allowClear
        style={{ width: 170 }}
        value={customerDraft ?? filters.customer?.replace(/^customers\//, "") ?? ""}
        onChange={(e) => setCustomerDraft(e.target.value)}
        onSearch={(v) => {
          setCustomerDraft(undefined);
          change({ customer: asName("customers", v) });
        }}
        data-testid="alerts-customer"
      />
      {mayListUsers && !filters.mine ? (
        <Select
          aria-label={t("alerts.recipient")}
          placeholder={t("alerts.recipient")}
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          style={{ width: 160 }}
          value={filters.recipient}
          onChange={(recipient) => change({ recipient })}
          options={(managers.data?.users ?? []).map((u) => ({ value: u.name, label: u.displayName }))}
        />
      ) : null}
      <Checkbox checked={filters.mine} onChange={(e) => change({ mine: e.target.checked, recipient: undefined })} data-testid="alerts-mine">
        {t("alerts.mine")}
      </Checkbox>
    </Space>
  );

  const counts = (
    <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
      {SEVERITIES.map((s) => (
        <Col key={s} xs={12} md={6}>
          <SeverityCount severity={s} filters={filters} me={me?.name} onPick={() => change({ severity: s, state: "STATE_OPEN" })} />
        </Col>
      ))}
    </Row>
  );

  const body = page.error ? (
    <PageError error={page.error} onRetry={() => void page.refetch()} />
  ) : phone ? (
    <List<AlertItem>
      loading={page.isPending}
      dataSource={alerts}
      locale={{ emptyText: <NoData /> }}
      renderItem={(a) => (
        <Card key={a.name} size="small" hoverable style={{ marginBottom: 8 }} onClick={() => navigate(`/alerts/${resourceId(a.name)}`)} data-testid="alert-card">
          <Space wrap>
            <SeverityTag severity={a.severity} />
            <StateTag state={a.state} />
          </Space>
          <div style={{ marginTop: 4 }}>{a.title}</div>
          <Typography.Text type="secondary">{formatTime(a.createTime)}</Typography.Text>
        </Card>
      )}
    />
  ) : (
    <Table<AlertItem>
      rowKey={(a) => a.name ?? ""}
      size="small"
      loading={page.isPending}
      columns={columns}
      dataSource={alerts}
      pagination={false}
      locale={{ emptyText: <NoData /> }}
      rowSelection={mayHandle ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined}
      data-testid="alert-table"
    />
  );

  return (
    <div>
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("alerts.title")}
        </Typography.Title>
        {can(me, "alert_rules.read") && <Link to="/alert-rules">{t("nav.alertRules")}</Link>}
      </Space>
      {counts}
      {filterBar}
      {mayHandle && !phone ? (
        <Space style={{ marginBottom: 8 }}>
          <Typography.Text type="secondary">{t("alerts.selected", { count: chosen.length })}</Typography.Text>
          <Button disabled={!allowedForAll(chosen, "acknowledge")} loading={actions.busy} onClick={() => actions.start("acknowledge", chosen)}>
            {t("alerts.bulkAcknowledge")}
          </Button>
          <Button disabled={!allowedForAll(chosen, "resolve")} onClick={() => actions.start("resolve", chosen)}>
            {t("alerts.bulkResolve")}
          </Button>
        </Space>
      ) : null}
      {body}
      <Space style={{ marginTop: 8 }}>
        <Typography.Text type="secondary" data-testid="alerts-total">
          {t("alerts.total", { count: page.data?.totalSize ?? 0 })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </Space>
      {actions.dialog}
    </div>
  );
}
