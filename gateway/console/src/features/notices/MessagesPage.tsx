// 消息中心: the signed-in user's inbox — alerts, announcements and tasks, newest first, unread in bold; opening one
// marks it read and goes to what it is about; 全部已读; 通知设置 (extra channels, the level each is used from, quiet hours) in a drawer.
// New items arrive through the push stream (the list and the badge refetch).
import { App, Badge, Button, Card, Checkbox, Drawer, Form, Input, List, Segmented, Select, Space, Tag, TimePicker, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useNavigate } from "react-router-dom";

import { NoData, PageError } from "@/components/PageState";
import { showError } from "@/features/control/shared";
import { formatTime } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useInbox, useMarkAllRead, useMarkRead, useSettings, useUnreadCount, useUpdateSettings } from "./api";
import { type InboxTab, inboxFilter, linkFor, type Notification } from "./logic";

const CATEGORY_COLOURS: Record<string, string> = {
  CATEGORY_ALERT: "red",
  CATEGORY_ANNOUNCEMENT: "blue",
  CATEGORY_TASK: "green",
  CATEGORY_SYSTEM: "default",
};

export default function MessagesPage() {
  const { t, enumText } = useI18n();
  const navigate = useNavigate();
  const [tab, setTab] = useState<InboxTab>("all");
  const [tokens, setTokens] = useState<string[]>([""]);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const inbox = useInbox(inboxFilter(tab), tokens.at(-1) ?? "");
  const unread = useUnreadCount();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const { message } = App.useApp();
  const failed = (e: unknown) => showError(e, message, t);

  const open = (item: Notification) => {
    if (!item.readTime) markRead.mutate(item.name!, { onError: failed });
    const to = linkFor(item.subject);
    if (to) navigate(to);
  };
  const switchTab = (value: InboxTab) => {
    setTab(value);
    setTokens([""]);
  };

  if (inbox.isError) return <PageError error={inbox.error} onRetry={() => void inbox.refetch()} />;
  const items = inbox.data?.notifications ?? [];
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("notices.inboxTitle")}
        </Typography.Title>
        <Space wrap>
          <Button onClick={() => markAll.mutate(undefined, { onError: failed })} loading={markAll.isPending} disabled={!unread.data}>
            {t("notices.markAllRead")}
          </Button>
          <Button onClick={() => setSettingsOpen(true)}>{t("notices.settings")}</Button>
        </Space>
      </Space>
      <Segmented<InboxTab>
        value={tab}
        onChange={switchTab}
        options={[
          { value: "all", label: t("notices.all") },
          { value: "unread", label: `${t("notices.unread")} (${unread.data ?? 0})` },
        ]}
      />
      <Card size="small">
        <List
          loading={inbox.isPending}
          dataSource={items}
          locale={{ emptyText: <NoData /> }}
          renderItem={(item) => (
            <List.Item
              data-testid="inbox-item"
              style={{ cursor: "pointer" }}
              onClick={() => open(item)}
              extra={<Typography.Text type="secondary">{formatTime(item.createTime)}</Typography.Text>}
            >
              <List.Item.Meta
                avatar={item.readTime ? <Badge status="default" /> : <Badge status="processing" />}
                title={
                  <Space size={6} wrap>
                    <Tag color={CATEGORY_COLOURS[item.category ?? ""] ?? "default"}>{enumText("notificationCategory", item.category)}</Tag>
                    <Typography.Text strong={!item.readTime}>{item.title}</Typography.Text>
                  </Space>
                }
                description={item.body ? <Typography.Text type="secondary" ellipsis>{item.body}</Typography.Text> : null}
              />
            </List.Item>
          )}
        />
        <Space style={{ marginTop: 8 }}>
          <Button disabled={tokens.length < 2} onClick={() => setTokens(tokens.slice(0, -1))}>
            {t("notices.previous")}
          </Button>
          <Button disabled={!inbox.data?.nextPageToken} onClick={() => setTokens([...tokens, inbox.data!.nextPageToken!])}>
            {t("notices.next")}
          </Button>
          <Typography.Text type="secondary">{t("notices.total", { count: inbox.data?.totalSize ?? 0 })}</Typography.Text>
        </Space>
      </Card>
      <SettingsDrawer open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </Space>
  );
}

const CHANNELS = ["CHANNEL_EMAIL", "CHANNEL_SMS", "CHANNEL_WEBHOOK"] as const;
const LEVELS = [
  { value: 0, key: "notices.levelAll" },
  { value: 2, key: "notices.level2" },
  { value: 3, key: "notices.level3" },
  { value: 4, key: "notices.level4" },
] as const;

interface SettingsValues {
  channels: string[];
  levels: Record<string, number>;
  quietStart: dayjs.Dayjs | null;
  quietEnd: dayjs.Dayjs | null;
  webhookUri?: string;
  webhookSecret?: string;
}

function SettingsDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsValues>();
  const settings = useSettings(open);
  const save = useUpdateSettings();
  const current = settings.data;
  const time = (v: { hours?: number; minutes?: number } | undefined) => dayjs().hour(v?.hours ?? 0).minute(v?.minutes ?? 0);
  const submit = (values: SettingsValues) =>
    save.mutate(
      {
        name: "users/me/notificationSettings",
        channels: values.channels as never,
        channelPreferences: values.channels.map((channel) => ({ channel: channel as never, minImportance: values.levels?.[channel] ?? 0 })),
        quietHoursStart: values.quietStart ? { hours: values.quietStart.hour(), minutes: values.quietStart.minute() } : {},
        quietHoursEnd: values.quietEnd ? { hours: values.quietEnd.hour(), minutes: values.quietEnd.minute() } : {},
        webhookUri: values.webhookUri ?? "",
        // write-only: sent when typed, kept as it is otherwise
        ...(values.webhookSecret ? { webhookSecret: values.webhookSecret } : {}),
        etag: current?.etag,
      },
      {
        onSuccess: () => {
          void message.success(t("notices.settingsSaved"));
          onClose();
        },
        onError: (e) => showError(e, message, t, form, { prefix: "notification_settings", rename: { quietHoursStart: "quietStart", quietHoursEnd: "quietEnd" } }),
      },
    );
  return (
    <Drawer open={open} onClose={onClose} title={t("notices.settings")} size="default" destroyOnHidden>
      {current ? (
        <Form<SettingsValues>
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{
            channels: current.channels ?? [],
            levels: Object.fromEntries((current.channelPreferences ?? []).map((p) => [p.channel, p.minImportance ?? 0])),
            quietStart: time(current.quietHoursStart),
            quietEnd: time(current.quietHoursEnd),
            webhookUri: current.webhookUri,
          }}
        >
          <Typography.Paragraph type="secondary">{t("notices.inboxAlwaysOn")}</Typography.Paragraph>
          <Form.Item name="channels" label={t("notices.channels")}>
            <Checkbox.Group options={CHANNELS.map((c) => ({ value: c, label: enumText("noticeChannel", c) }))} />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.channels !== b.channels}>
            {({ getFieldValue }) => {
              const chosen: string[] = getFieldValue("channels") ?? [];
              return chosen.length ? (
                <Form.Item label={t("notices.channelLevels")} extra={t("notices.channelLevelsHelp")}>
                  {CHANNELS.filter((c) => chosen.includes(c)).map((c) => (
                    <Form.Item key={c} name={["levels", c]} label={enumText("noticeChannel", c)} initialValue={0} style={{ marginBottom: 8 }}>
                      <Select
                        aria-label={`${enumText("noticeChannel", c)} ${t("notices.channelLevels")}`}
                        options={LEVELS.map((l) => ({ value: l.value, label: t(l.key) }))}
                        style={{ maxWidth: 200 }}
                      />
                    </Form.Item>
                  ))}
                </Form.Item>
              ) : null;
            }}
          </Form.Item>
          <Space>
            <Form.Item name="quietStart" label={t("notices.quietStart")}>
              <TimePicker format="HH:mm" minuteStep={5} allowClear={false} />
            </Form.Item>
            <Form.Item name="quietEnd" label={t("notices.quietEnd")}>
              <TimePicker format="HH:mm" minuteStep={5} allowClear={false} />
            </Form.Item>
          </Space>
          <Form.Item name="webhookUri" label={t("notices.webhookUri")}>
            <Input placeholder="https://" />
          </Form.Item>
          <Form.Item name="webhookSecret" label={t("notices.webhookSecret")} extra={current.hasWebhookSecret ? t("notices.secretSet") : undefined}>
            <Input.Password autoComplete="new-password" placeholder="SEC…" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t("common.save")}
          </Button>
        </Form>
      ) : null}
    </Drawer>
  );
}
