// 群发记录: the bulletins sent (an administrator or compliance officer sees all, anyone else their own), newest
// first — when, which template, to whom, how many were reached and excluded; each links to its deliveries.
import { Card, List, Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { Link } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { useRelationshipManagers, useTierNames } from "@/features/customers/api";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useBulletins } from "./api";
import type { Bulletin } from "./logic";

function useSegmentText() {
  const { t, enumText } = useI18n();
  const tiers = useTierNames();
  const managers = useRelationshipManagers();
  const names = new Map((managers.data?.users ?? []).map((u) => [u.name, u.displayName]));
  return (b: Bulletin) => {
    const s = b.segment ?? {};
    const parts = [
      ...(s.tiers ?? []).map((x) => tiers.name(x)),
      ...(s.orgUnits ?? []).map((x) => resourceId(x)),
      ...(s.relationshipManagers ?? []).map((x) => names.get(x) || resourceId(x)),
      ...(s.types ?? []).map((x) => enumText("segmentType", x)),
    ];
    return parts.length ? parts.join("、") : t("customerMessages.everyone");
  };
}

export default function BulletinsTab() {
  const { t, lang } = useI18n();
  const phone = useIsPhone();
  const pager = usePageTokens();
  const list = useBulletins(pager.token);
  const segment = useSegmentText();
  if (list.isError) return <PageError error={list.error} onRetry={() => void list.refetch()} />;
  const rows = list.data?.bulletins ?? [];
  const deliveries = (b: Bulletin) => `/deliveries?trigger=${encodeURIComponent(b.name ?? "")}`;
  const columns: ColumnsType<Bulletin> = [
    { key: "time", title: t("customerMessages.sentTime"), width: 140, render: (_, b) => formatTime(b.createTime) },
    { key: "template", title: t("customerMessages.template"), render: (_, b) => b.templateDisplayName || resourceId(b.template) },
    { key: "segment", title: t("customerMessages.segment"), render: (_, b) => segment(b) },
    { key: "sender", title: t("customerMessages.sender"), render: (_, b) => resourceId(b.sender) },
    { key: "recipients", title: t("customerMessages.recipients"), align: "right", render: (_, b) => formatCount(b.recipientCount, lang) },
    { key: "included", title: t("customerMessages.includedCount"), align: "right", render: (_, b) => formatCount(b.includedCount, lang) },
    { key: "excluded", title: t("customerMessages.excludedCount"), align: "right", render: (_, b) => formatCount(b.excludedCount, lang) },
    { key: "link", title: "", render: (_, b) => <Link to={deliveries(b)}>{t("customerMessages.viewDeliveries")}</Link> },
  ];
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {phone ? (
        <List<Bulletin>
          loading={list.isPending}
          dataSource={rows}
          locale={{ emptyText: <NoData /> }}
          renderItem={(b) => (
            <Card key={b.name} size="small" style={{ marginBottom: 8 }} data-testid="bulletin-item">
              <Typography.Text strong>{b.templateDisplayName}</Typography.Text>
              <div className="kam-muted">{segment(b)}</div>
              <div>
                {t("customerMessages.resultCounts", {
                  total: formatCount(b.recipientCount, lang),
                  included: formatCount(b.includedCount, lang),
                  excluded: formatCount(b.excludedCount, lang),
                })}
              </div>
              <Space style={{ width: "100%", justifyContent: "space-between" }}>
                <Typography.Text type="secondary">{formatTime(b.createTime)}</Typography.Text>
                <Link to={deliveries(b)}>{t("customerMessages.viewDeliveries")}</Link>
              </Space>
            </Card>
          )}
        />
      ) : (
        <Table<Bulletin>
          rowKey={(b) => b.name ?? ""}
          size="small"
          loading={list.isPending}
          columns={columns}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <NoData /> }}
          data-testid="bulletin-table"
        />
      )}
      <Space>
        <Typography.Text type="secondary">{t("common.total", { count: formatCount(list.data?.totalSize ?? 0, lang) })}</Typography.Text>
        <Pager pager={pager} nextToken={list.data?.nextPageToken} loading={list.isFetching} />
      </Space>
    </Space>
  );
}
