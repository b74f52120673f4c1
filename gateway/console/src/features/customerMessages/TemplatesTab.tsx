// 模板: the customer message templates (purpose, channel, text), 新建 / 修改 in a drawer and 删除 after a
// confirmation for who may manage them (notification_templates.manage); cards on a phone.
import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, List, Popconfirm, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { type HTMLAttributes, useState } from "react";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { errorText } from "@/features/control/shared";
import { formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useDeleteTemplate, useTemplates } from "./api";
import type { Template } from "./logic";
import { TemplateDrawer } from "./TemplateDrawer";

const CATEGORY_COLOURS: Record<string, string> = { CATEGORY_GREETING: "magenta", CATEGORY_NEWS: "blue", CATEGORY_RELATIONSHIP: "green" };

export function CategoryTag({ category }: { category?: string }) {
  const { enumText } = useI18n();
  return <Tag color={CATEGORY_COLOURS[category ?? ""]}>{enumText("templateCategory", category)}</Tag>;
}

export default function TemplatesTab() {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const { data: me } = useMe();
  const manage = can(me, "notification_templates.manage");
  const templates = useTemplates();
  const remove = useDeleteTemplate();
  const [editing, setEditing] = useState<Template | undefined>();
  const [open, setOpen] = useState(false);
  const edit = (template?: Template) => {
    setEditing(template);
    setOpen(true);
  };
  const actions = (tpl: Template) =>
    manage ? (
      <Space onClick={(e) => e.stopPropagation()}>
        <Button size="small" onClick={() => edit(tpl)}>
          {t("customerMessages.edit")}
        </Button>
        <Popconfirm
          title={t("customerMessages.deleteConfirm", { name: tpl.displayName ?? "" })}
          okText={t("common.confirm")}
          cancelText={t("common.cancel")}
          onConfirm={() =>
            remove.mutateAsync(tpl).then(
              () => void message.success(t("customerMessages.deleted")),
              (e: unknown) => void message.error(errorText(e, t)),
            )
          }
        >
          <Button size="small" danger>
            {t("customerMessages.delete")}
          </Button>
        </Popconfirm>
      </Space>
    ) : null;

  if (templates.isError) return <PageError error={templates.error} onRetry={() => void templates.refetch()} />;
  const rows = templates.data ?? [];
  const columns: ColumnsType<Template> = [
    { key: "name", title: t("customerMessages.templateName"), render: (_, x) => <Typography.Text strong>{x.displayName}</Typography.Text> },
    { key: "category", title: t("customerMessages.category"), width: 120, render: (_, x) => <CategoryTag category={x.category} /> },
    { key: "channel", title: t("customerMessages.channel"), width: 80, render: (_, x) => enumText("noticeChannel", x.channel) },
    {
      key: "body",
      title: t("customerMessages.body"),
      render: (_, x) => (
        <Typography.Text type="secondary" ellipsis={{ tooltip: x.body }} style={{ maxWidth: 360 }}>
          {x.subject ? `${x.subject} — ` : ""}
          {x.body}
        </Typography.Text>
      ),
    },
    { key: "time", title: t("customerMessages.updateTime"), width: 140, render: (_, x) => formatTime(x.updateTime) },
    ...(manage ? [{ key: "actions", title: t("customerMessages.actions"), width: 150, render: (_: unknown, x: Template) => actions(x) }] : []),
  ];
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {manage ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => edit()}>
          {t("customerMessages.newTemplate")}
        </Button>
      ) : null}
      {phone ? (
        <List<Template>
          loading={templates.isPending}
          dataSource={rows}
          locale={{ emptyText: <NoData /> }}
          renderItem={(x) => (
            <Card key={x.name} size="small" style={{ marginBottom: 8 }} data-testid="template-item">
              <Space wrap>
                <Typography.Text strong>{x.displayName}</Typography.Text>
                <CategoryTag category={x.category} />
                <span>{enumText("noticeChannel", x.channel)}</span>
              </Space>
              <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: "4px 0" }}>
                {x.body}
              </Typography.Paragraph>
              {actions(x)}
            </Card>
          )}
        />
      ) : (
        <Table<Template>
          rowKey={(x) => x.name ?? ""}
          size="small"
          loading={templates.isPending}
          columns={columns}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <NoData /> }}
          onRow={() => ({ "data-testid": "template-item" }) as HTMLAttributes<HTMLElement>}
        />
      )}
      <TemplateDrawer open={open} editing={editing} onClose={() => setOpen(false)} />
    </Space>
  );
}
