// One announcement: its content (rich text the server sanitised), publisher and dates; opening it marks it read
// (not for its publisher).
// Its publisher (or an administrator) also sees the read ratio and who has and has not read it, and may edit or
// delete it. Its attachments are listed for everyone who sees it, each downloaded when clicked.
import { App, Button, Card, Descriptions, List, Popconfirm, Progress, Space, Tabs, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";

import { AttachmentList, type ListedFile } from "@/components/Attachments";
import { PageError, PageLoading } from "@/components/PageState";
import { saveBlob, showError } from "@/features/control/shared";
import { formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { AnnouncementEditor } from "./AnnouncementEditor";
import { ImportanceTag } from "./AnnouncementsPage";
import { downloadAttachment, useAnnouncement, useAnnouncementReads, useDeleteAnnouncement, useMarkAnnouncementRead } from "./api";
import { readPercent } from "./logic";

export default function AnnouncementDetailPage() {
  const { id = "" } = useParams();
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const announcement = useAnnouncement(id);
  const markRead = useMarkAnnouncementRead();
  const remove = useDeleteAnnouncement();
  const [editing, setEditing] = useState(false);
  const a = announcement.data;
  const mine = Boolean(a && (a.publisher === me?.name || can(me, "announcements.manage")));
  const reads = useAnnouncementReads(id, true, mine);
  const unread = useAnnouncementReads(id, false, mine);

  useEffect(() => {
    // its reader has read it; its publisher looking at it (and at who has read it) is not a reading
    if (a && !a.read && a.state === "STATE_PUBLISHED" && me && a.publisher !== me.name) markRead.mutate(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per announcement opened
  }, [a?.name, a?.read, me?.name]);

  if (announcement.isError) return <PageError error={announcement.error} onRetry={() => void announcement.refetch()} />;
  if (!a) return <PageLoading />;
  const percent = readPercent(a);
  const download = async (file: ListedFile) => {
    try {
      const { fileName, blob } = await downloadAttachment(file.name!);
      saveBlob(fileName, blob);
    } catch (e) {
      showError(e, message, t);
    }
  };
  const people = (list: { user?: string; displayName?: string; orgUnit?: string; readTime?: string }[] | undefined) => (
    <List
      size="small"
      dataSource={list ?? []}
      renderItem={(r) => (
        <List.Item data-testid="reader">
          {r.displayName || resourceId(r.user)} <Typography.Text type="secondary">{resourceId(r.orgUnit)}</Typography.Text>
          {r.readTime ? <Typography.Text type="secondary"> · {formatTime(r.readTime)}</Typography.Text> : null}
        </List.Item>
      )}
    />
  );
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {a.title}
          </Typography.Title>
          <ImportanceTag importance={a.importance} />
          {a.pinned ? <Tag color="red">{t("notices.pinned")}</Tag> : null}
          <Tag>{enumText("announcementState", a.state)}</Tag>
        </Space>
        {mine ? (
          <Space>
            {a.state !== "STATE_EXPIRED" ? <Button onClick={() => setEditing(true)}>{t("notices.edit")}</Button> : null}
            <Popconfirm
              title={t("notices.deleteConfirm")}
              onConfirm={() =>
                remove.mutate(a, {
                  onSuccess: () => navigate("/announcements"),
                  onError: (e) => showError(e, message, t),
                })
              }
            >
              <Button danger>{t("notices.delete")}</Button>
            </Popconfirm>
          </Space>
        ) : null}
      </Space>
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t("notices.publisher")}>{a.publisherDisplayName || resourceId(a.publisher)}</Descriptions.Item>
        <Descriptions.Item label={t("notices.publishTime")}>{formatTime(a.publishTime)}</Descriptions.Item>
        <Descriptions.Item label={t("notices.expireTime")}>{formatTime(a.expireTime)}</Descriptions.Item>
      </Descriptions>
      <Card size="small">
        {/* the server keeps only safe markup (nh3 allow-list), so it is shown as it is */}
        <div className="kam-rich-text" data-testid="announcement-content" dangerouslySetInnerHTML={{ __html: a.content ?? "" }} />
      </Card>
      {a.attachments?.length ? (
        <Card size="small" title={t("notices.attachmentsCount", { count: a.attachments.length })}>
          <AttachmentList files={a.attachments} onDownload={download} />
        </Card>
      ) : null}
      {mine ? (
        <Card size="small" title={t("notices.readStatus")}>
          <Space orientation="vertical" style={{ width: "100%" }}>
            <Typography.Text data-testid="read-ratio">{t("notices.readRatio", { read: a.readCount ?? 0, audience: a.audienceCount ?? 0 })}</Typography.Text>
            {percent !== null ? <Progress percent={percent} /> : null}
            <Tabs
              items={[
                { key: "unread", label: t("notices.notRead", { count: unread.data?.totalSize ?? 0 }), children: people(unread.data?.reads) },
                { key: "read", label: t("notices.haveRead", { count: reads.data?.totalSize ?? 0 }), children: people(reads.data?.reads) },
              ]}
            />
          </Space>
        </Card>
      ) : null}
      <AnnouncementEditor open={editing} editing={a} onClose={() => setEditing(false)} />
    </Space>
  );
}
