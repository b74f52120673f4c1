// 公告: the current announcements addressed to the signed-in user (pinned first, unread marked), the history (past
// their expiry) and, for who may publish, their scheduled ones; 发布公告 opens the editor. The publisher sees the
// read ratio of each of theirs.
import { PlusOutlined, PushpinFilled } from "@ant-design/icons";
import { Badge, Button, Card, List, Progress, Segmented, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";

import { NoData, PageError } from "@/components/PageState";
import { formatDay, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { AnnouncementEditor } from "./AnnouncementEditor";
import { useAnnouncements } from "./api";
import { type Announcement, type AnnouncementTab, announcementFilter, readPercent } from "./logic";

export function ImportanceTag({ importance }: { importance?: string }) {
  const { enumText } = useI18n();
  if (importance === "IMPORTANCE_URGENT") return <Tag color="red">{enumText("announcementImportance", importance)}</Tag>;
  if (importance === "IMPORTANCE_HIGH") return <Tag color="orange">{enumText("announcementImportance", importance)}</Tag>;
  return null;
}

export default function AnnouncementsPage() {
  const { t } = useI18n();
  const { data: me } = useMe();
  const publish = can(me, "announcements.publish");
  const [tab, setTab] = useState<AnnouncementTab>("current");
  const [editorOpen, setEditorOpen] = useState(false);
  const list = useAnnouncements(announcementFilter(tab));

  if (list.isError) return <PageError error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data?.announcements ?? [];
  const tabs = [
    { value: "current" as const, label: t("notices.current") },
    { value: "history" as const, label: t("notices.history") },
    ...(publish ? [{ value: "scheduled" as const, label: t("notices.scheduled") }] : []),
  ];
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("notices.announcementsTitle")}
        </Typography.Title>
        {publish ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditorOpen(true)}>
            {t("notices.new")}
          </Button>
        ) : null}
      </Space>
      <Segmented<AnnouncementTab> value={tab} onChange={setTab} options={tabs} />
      <Card size="small">
        <List
          loading={list.isPending}
          dataSource={items}
          locale={{ emptyText: <NoData /> }}
          renderItem={(a: Announcement) => {
            const percent = readPercent(a);
            const mine = a.publisher === me?.name || can(me, "announcements.manage");
            // unread for its audience, not for whoever wrote it
            const unread = !a.read && tab === "current" && a.publisher !== me?.name;
            return (
              <List.Item
                data-testid="announcement-item"
                extra={
                  mine && percent !== null ? (
                    <Space orientation="vertical" size={0} style={{ minWidth: 120 }}>
                      <Typography.Text type="secondary">{t("notices.readRatio", { read: a.readCount ?? 0, audience: a.audienceCount ?? 0 })}</Typography.Text>
                      <Progress percent={percent} size="small" />
                    </Space>
                  ) : null
                }
              >
                <List.Item.Meta
                  avatar={unread ? <Badge status="processing" /> : <Badge status="default" />}
                  title={
                    <Space size={6} wrap>
                      {a.pinned ? <PushpinFilled aria-label={t("notices.pinned")} style={{ color: "#cf1322" }} /> : null}
                      <ImportanceTag importance={a.importance} />
                      <Link to={`/announcements/${resourceId(a.name)}`}>
                        <Typography.Text strong={unread}>{a.title}</Typography.Text>
                      </Link>
                    </Space>
                  }
                  description={
                    <Typography.Text type="secondary">
                      {a.publisherDisplayName || resourceId(a.publisher)} · {formatTime(a.publishTime)} · {t("notices.until", { day: formatDay(a.expireTime) })}
                    </Typography.Text>
                  }
                />
              </List.Item>
            );
          }}
        />
      </Card>
      <AnnouncementEditor open={editorOpen} onClose={() => setEditorOpen(false)} />
    </Space>
  );
}
