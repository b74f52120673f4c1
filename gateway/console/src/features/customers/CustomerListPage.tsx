// 客户: the customers in the caller's scope with filters (type, tier, branch, RM, key customers only), sorting,
// a choice of columns and export of what is shown. Desktop: a virtualised table that loads more as it scrolls;
// phone: cards with tap-to-call.
import { DownloadOutlined, SettingOutlined } from "@ant-design/icons";
import { Button, Card, Checkbox, Dropdown, InputNumber, Select, Space, Switch, Table, Typography } from "antd";
import type { ColumnsType, SorterResult } from "antd/es/table/interface";
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { Pii } from "@/components/Masked";
import { Money } from "@/components/Money";
import { TierTag } from "@/components/TierTag";
import { NoData, PageError } from "@/components/PageState";
import { useAddressFilters } from "@/lib/addressFilters";
import type { Customer } from "@/lib/api/client";
import { download, toCsv } from "@/lib/csv";
import { formatCount, formatDay, formatMoney, resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { type CustomerFilters, unmaskedCustomer, useCustomerRows, useOrgUnits, useRelationshipManagers, useTierNames } from "./api";

const SORTS: Record<string, string> = {
  displayName: "display_name",
  tier: "tier",
  aum: "metrics.assets_under_management",
  createTime: "create_time",
};
const ALL_COLUMNS = ["displayName", "type", "tier", "aum", "branch", "rm", "phone", "createTime"] as const;
type ColumnKey = (typeof ALL_COLUMNS)[number];
const DEFAULT_COLUMNS: ColumnKey[] = ["displayName", "type", "tier", "aum", "branch", "rm"];

/** A non-negative amount in 万元 from the address, or nothing. */
function wan(value: string | null): number | undefined {
  const n = value === null || value === "" ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function readFilters(params: URLSearchParams): CustomerFilters {
  return {
    type: params.get("type") ?? undefined,
    tier: params.get("tier") ?? undefined,
    branch: params.get("branch") ?? undefined,
    relationshipManager: params.get("rm") ?? undefined,
    keyOnly: params.get("key") === "1",
    aumMin: wan(params.get("aumMin")),
    aumMax: wan(params.get("aumMax")),
  };
}

function writeFilters(next: CustomerFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (next.type) out.set("type", next.type);
  if (next.tier) out.set("tier", next.tier);
  if (next.branch) out.set("branch", next.branch);
  if (next.relationshipManager) out.set("rm", next.relationshipManager);
  if (next.keyOnly) out.set("key", "1");
  if (next.aumMin !== undefined) out.set("aumMin", String(next.aumMin));
  if (next.aumMax !== undefined) out.set("aumMax", String(next.aumMax));
  return out;
}

export default function CustomerListPage() {
  const { t, lang, enumText } = useI18n();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const [filters, setFilters] = useAddressFilters(readFilters, writeFilters);
  const [order, setOrder] = useState("create_time desc");
  const [shown, setShown] = useState<ColumnKey[]>(DEFAULT_COLUMNS);
  const tiers = useTierNames();
  const orgUnits = useOrgUnits();
  const managers = useRelationshipManagers();
  const rows = useCustomerRows(filters, order);
  const customers = useMemo(() => (rows.data?.pages ?? []).flatMap((p) => p.customers ?? []), [rows.data]);
  const total = rows.data?.pages[0]?.totalSize;

  const labels: Record<ColumnKey, string> = {
    displayName: t("customer.name"),
    type: t("customer.type"),
    tier: t("customer.tier"),
    aum: t("customer.aum"),
    branch: t("customer.branch"),
    rm: t("customer.rm"),
    phone: t("customer.phone"),
    createTime: t("customer.createTime"),
  };
  const text: Record<ColumnKey, (c: Customer) => string> = {
    displayName: (c) => c.displayName ?? "",
    type: (c) => enumText("customerType", c.type),
    tier: (c) => tiers.name(c.tier),
    aum: (c) => formatMoney(c.metrics?.assetsUnderManagement, lang),
    branch: (c) => c.branchDisplayName || c.branch || "",
    rm: (c) => c.relationshipManagerDisplayName || c.relationshipManager || "",
    phone: (c) => c.phone ?? "",
    createTime: (c) => formatDay(c.createTime),
  };
  const columns: ColumnsType<Customer> = shown.map((key) => ({
    key,
    dataIndex: key,
    title: labels[key],
    sorter: key in SORTS,
    sortOrder: order.startsWith(SORTS[key] ?? "-") ? (order.endsWith("desc") ? "descend" : "ascend") : null,
    align: key === "aum" ? "right" : undefined,
    width: key === "displayName" ? 220 : undefined,
    render: (_: unknown, c: Customer) => {
      if (key === "displayName") return <Link to={`/customers/${resourceId(c.name)}`}>{c.displayName}</Link>;
      if (key === "tier") return <TierTag graded={Boolean(c.tier)}>{tiers.name(c.tier)}</TierTag>;
      if (key === "aum") return <Money value={c.metrics?.assetsUnderManagement} />;
      if (key === "phone") return <Pii value={c.phone} masked={c.masked} phone unmask={async () => (await unmaskedCustomer(resourceId(c.name))).phone} />;
      return text[key](c);
    },
  }));

  function exportShown() {
    const csv = toCsv(
      shown.map((k) => labels[k]),
      customers.map((c) => shown.map((k) => text[k](c))),
    );
    download(`${t("customer.exportName")}-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  }

  const filterBar = (
    <Space wrap style={{ marginBottom: 12 }}>
      <Select
        aria-label={t("customer.type")}
        placeholder={t("customer.type")}
        allowClear
        style={{ width: 120 }}
        value={filters.type}
        onChange={(type) => setFilters({ type })}
        options={["TYPE_INDIVIDUAL", "TYPE_CORPORATE"].map((v) => ({ value: v, label: enumText("customerType", v) }))}
      />
      <Select
        aria-label={t("customer.tier")}
        placeholder={t("customer.tier")}
        allowClear
        style={{ width: 140 }}
        value={filters.tier}
        onChange={(tier) => setFilters({ tier })}
        options={tiers.tiers.map((v) => ({ value: v, label: tiers.name(v) }))}
      />
      <Select
        aria-label={t("customer.branch")}
        placeholder={t("customer.branch")}
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        style={{ width: 180 }}
        value={filters.branch}
        onChange={(branch) => setFilters({ branch })}
        options={(orgUnits.data?.orgUnits ?? []).map((o) => ({ value: o.name, label: o.displayName }))}
      />
      <Select
        aria-label={t("customer.rm")}
        placeholder={t("customer.rm")}
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        style={{ width: 160 }}
        value={filters.relationshipManager}
        onChange={(relationshipManager) => setFilters({ relationshipManager })}
        options={(managers.data?.users ?? []).map((u) => ({ value: u.name, label: u.displayName }))}
      />
      <Space.Compact>
        <InputNumber
          aria-label={t("customer.aumMin")}
          placeholder={t("customer.aumMin")}
          min={0}
          style={{ width: 150 }}
          value={filters.aumMin ?? null}
          onChange={(v) => setFilters({ aumMin: v ?? undefined })}
          formatter={(v) => (v === undefined || v === null || `${v}` === "" ? "" : Number(v).toLocaleString(lang))}
          parser={(v) => Number((v ?? "").replace(/[^\d.]/g, ""))}
        />
        <InputNumber
          aria-label={t("customer.aumMax")}
          placeholder={t("customer.aumMax")}
          min={0}
          style={{ width: 150 }}
          value={filters.aumMax ?? null}
          onChange={(v) => setFilters({ aumMax: v ?? undefined })}
          formatter={(v) => (v === undefined || v === null || `${v}` === "" ? "" : Number(v).toLocaleString(lang))}
          parser={(v) => Number((v ?? "").replace(/[^\d.]/g, ""))}
          suffix={t("customer.tenThousandYuan")}
        />
      </Space.Compact>
      <Space>
        <Switch
          aria-label={t("customer.keyOnly")}
          checked={filters.keyOnly}
          onChange={(keyOnly) => setFilters({ keyOnly })}
        />
        {t("customer.keyOnly")}
      </Space>
      {!phone && (
        <>
          <Dropdown
            trigger={["click"]}
            popupRender={() => (
              <Card size="small">
                <Checkbox.Group
                  value={shown}
                  onChange={(v) => setShown(ALL_COLUMNS.filter((k) => v.includes(k)))}
                  options={ALL_COLUMNS.map((k) => ({ value: k, label: labels[k], disabled: k === "displayName" }))}
                  style={{ display: "flex", flexDirection: "column" }}
                />
              </Card>
            )}
          >
            <Button icon={<SettingOutlined />}>{t("common.columns")}</Button>
          </Dropdown>
          <Button icon={<DownloadOutlined />} onClick={exportShown} disabled={!customers.length}>
            {t("common.export")}
          </Button>
        </>
      )}
    </Space>
  );

  if (rows.error) return <PageError error={rows.error} onRetry={() => void rows.refetch()} />;
  // no count until the first page answers: "共 0 条" while loading would say the scope is empty
  const count = rows.data ? (
    <Typography.Text type="secondary" data-testid="customer-total">
      {t("common.total", { count: formatCount(total ?? customers.length, lang) })}
    </Typography.Text>
  ) : null;

  if (phone) {
    return (
      <div>
        {filterBar}
        {count}
        <div className="kam-card-list" data-testid="customer-cards">
          {customers.map((c) => (
            <Card key={c.name} size="small" hoverable onClick={() => navigate(`/customers/${resourceId(c.name)}`)} data-testid="customer-card">
              <Space style={{ justifyContent: "space-between", width: "100%" }}>
                <Typography.Text strong>{c.displayName}</Typography.Text>
                <TierTag graded={Boolean(c.tier)}>{tiers.name(c.tier)}</TierTag>
              </Space>
              <div className="kam-muted">
                {enumText("customerType", c.type)} · {c.branchDisplayName}
              </div>
              <Space style={{ justifyContent: "space-between", width: "100%" }}>
                <Money value={c.metrics?.assetsUnderManagement} />
                <span onClick={(e) => e.stopPropagation()}>
                  <Pii value={c.phone} masked={c.masked} phone unmask={async () => (await unmaskedCustomer(resourceId(c.name))).phone} />
                </span>
              </Space>
            </Card>
          ))}
          {!customers.length && !rows.isPending && <NoData />}
          {rows.hasNextPage && (
            <Button block loading={rows.isFetchingNextPage} onClick={() => void rows.fetchNextPage()}>
              {t("common.more")}
            </Button>
          )}
        </div>
      </div>
    );
  }

  return (
    <div>
      {filterBar}
      <Table<Customer>
        rowKey="name"
        size="middle"
        virtual
        scroll={{ x: 960, y: 560 }}
        loading={rows.isPending}
        columns={columns}
        dataSource={customers}
        pagination={false}
        locale={{ emptyText: <NoData /> }}
        onChange={(_p, _f, sorter) => {
          const s = sorter as SorterResult<Customer>;
          const field = SORTS[String(s.columnKey)];
          setOrder(field && s.order ? `${field}${s.order === "descend" ? " desc" : ""}` : "create_time desc");
        }}
        onScroll={(e) => {
          const box = e.currentTarget;
          if (rows.hasNextPage && !rows.isFetchingNextPage && box.scrollTop + box.clientHeight > box.scrollHeight - 400) {
            void rows.fetchNextPage();
          }
        }}
        footer={() => count}
      />
    </div>
  );
}
