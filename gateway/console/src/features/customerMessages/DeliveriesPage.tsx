// 投递记录: every delivery the caller may see (administrators and compliance all, anyone else their own and their
// customers'), newest first — filters kept in the address (state, channel, recipient, and the bulletin or alert
// it came from), the state in colour, the error or suppress reason, the next attempt, 重试 for a failed one (with
// deliveries.retry) and the text that was sent in a drawer. A table on a desk, cards on a phone.
import { Button, Card, Input, List, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { type HTMLAttributes, useState } from "react";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { useAddressFilters } from "@/lib/addressFilters";
import { formatCount, formatTime } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useDeliveries } from "./api";
import {
  type Delivery,
  DELIVERY_CHANNELS,
  DELIVERY_STATES,
  type DeliveryFilters,
  deliveryFiltersFromParams,
  deliveryFiltersToParams,
} from "./logic";
import { DeliveryDrawer, DeliveryStateTag, NameLink, RetryButton } from "./parts";

function Problem({ d }: { d: Delivery }) {
  const text = d.suppressReason || d.lastError;
  if (!text) return null;
  return (
    <Typography.Text type={d.state === "STATE_FAILED" ? "danger" : "warning"} ellipsis={{ tooltip: text }} style={{ maxWidth: 260 }}>
      {text}
    </Typography.Text>
  );
}

export default function DeliveriesPage() {
  const { t, lang, enumText } = useI18n();
  const phone = useIsPhone();
  const [filters, setFilters] = useAddressFilters(deliveryFiltersFromParams, deliveryFiltersToParams);
  const pager = usePageTokens();
  const page = useDeliveries(filters, pager.token);
  const [recipientDraft, setRecipientDraft] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<Delivery | null>(null);
  const change = (next: Partial<DeliveryFilters>) => {
    pager.reset();
    setFilters(next);
  };
  const rows = page.data?.deliveries ?? [];

  const columns: ColumnsType<Delivery> = [
    { key: "time", title: t("customerMessages.createTime"), width: 140, render: (_, d) => formatTime(d.createTime) },
    { key: "recipient", title: t("customerMessages.recipient"), render: (_, d) => <NameLink name={d.recipient} label={d.recipientDisplayName} /> },
    { key: "channel", title: t("customerMessages.channel"), width: 90, render: (_, d) => enumText("noticeChannel", d.channel) },
    { key: "address", title: t("customerMessages.address"), render: (_, d) => d.address },
    { key: "state", title: t("customerMessages.state"), width: 130, render: (_, d) => <DeliveryStateTag state={d.state} /> },
    { key: "attempts", title: t("customerMessages.attempts"), width: 80, align: "right", render: (_, d) => d.attemptCount ?? 0 },
    { key: "error", title: t("customerMessages.error"), render: (_, d) => <Problem d={d} /> },
    {
      key: "next",
      title: t("customerMessages.nextAttempt"),
      width: 140,
      render: (_, d) => (d.state === "STATE_PENDING" ? formatTime(d.nextAttemptTime) : ""),
    },
    { key: "actions", title: t("customerMessages.actions"), width: 80, render: (_, d) => <RetryButton delivery={d} /> },
  ];

  const filterBar = (
    <Space wrap style={{ marginBottom: 12 }}>
      <Select
        aria-label={t("customerMessages.state")}
        placeholder={t("customerMessages.state")}
        allowClear
        style={{ width: 150 }}
        value={filters.state}
        onChange={(state) => change({ state })}
        options={DELIVERY_STATES.map((v) => ({ value: v, label: enumText("deliveryState", v) }))}
        data-testid="deliveries-state"
      />
      <Select
        aria-label={t("customerMessages.channel")}
        placeholder={t("customerMessages.channel")}
        allowClear
        style={{ width: 150 }}
        value={filters.channel}
        onChange={(channel) => change({ channel })}
        options={DELIVERY_CHANNELS.map((v) => ({ value: v, label: enumText("noticeChannel", v) }))}
      />
      <Input.Search
        aria-label={t("customerMessages.recipient")}
        placeholder={t("customerMessages.recipientPlaceholder")}
        allowClear
        style={{ width: phone ? "100%" : 260 }}
        value={recipientDraft ?? filters.recipient ?? ""}
        onChange={(e) => setRecipientDraft(e.target.value)}
        onSearch={(v) => {
          setRecipientDraft(undefined);
          change({ recipient: v.trim() || undefined });
        }}
        data-testid="deliveries-recipient"
      />
      {filters.trigger ? (
        <Tag closable onClose={() => change({ trigger: undefined })} data-testid="deliveries-trigger">
          {t("customerMessages.triggerFilter", { trigger: filters.trigger })}
        </Tag>
      ) : null}
    </Space>
  );

  const body = page.error ? (
    <PageError error={page.error} onRetry={() => void page.refetch()} />
  ) : phone ? (
    <List<Delivery>
      loading={page.isPending}
      dataSource={rows}
      locale={{ emptyText: <NoData /> }}
      renderItem={(d) => (
        <Card key={d.name} size="small" hoverable style={{ marginBottom: 8 }} onClick={() => setOpen(d)} data-testid="delivery-card">
          <Space wrap>
            <DeliveryStateTag state={d.state} />
            <span>{enumText("noticeChannel", d.channel)}</span>
            <span>{d.recipientDisplayName || d.recipient}</span>
          </Space>
          <div>
            <Problem d={d} />
          </div>
          <Space style={{ width: "100%", justifyContent: "space-between" }}>
            <Typography.Text type="secondary">{formatTime(d.createTime)}</Typography.Text>
            <RetryButton delivery={d} />
          </Space>
        </Card>
      )}
    />
  ) : (
    <Table<Delivery>
      rowKey={(d) => d.name ?? ""}
      size="small"
      loading={page.isPending}
      columns={columns}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 1000 }}
      locale={{ emptyText: <NoData /> }}
      onRow={(d) => ({ onClick: () => setOpen(d), style: { cursor: "pointer" }, "data-testid": "delivery-row" }) as HTMLAttributes<HTMLElement>}
      data-testid="delivery-table"
    />
  );

  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t("customerMessages.deliveriesTitle")}
      </Typography.Title>
      {filterBar}
      {body}
      <Space style={{ marginTop: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="deliveries-total">
          {t("common.total", { count: formatCount(page.data?.totalSize ?? 0, lang) })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
        {filters.state || filters.channel || filters.recipient || filters.trigger ? (
          <Button size="small" onClick={() => change({ state: undefined, channel: undefined, recipient: undefined, trigger: undefined })}>
            {t("common.reset")}
          </Button>
        ) : null}
      </Space>
      <DeliveryDrawer delivery={open ? (rows.find((d) => d.name === open.name) ?? open) : null} onClose={() => setOpen(null)} />
    </div>
  );
}
