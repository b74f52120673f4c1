// 发布公告 / 修改公告: title, content (typed text kept as text: paragraphs and line breaks), audience (everyone, org
// units on the org tree with or without the units below, roles, named people), publish time (now or later), expiry, pinned, importance, and
// attachments (chosen files checked here for size, count and type, sent after the announcement is saved; files
// removed from the list are deleted then). The API's field violations show under their fields.
import { App, Checkbox, DatePicker, Form, Input, Radio, Select, Switch } from "antd";
import dayjs from "dayjs";
import { useEffect, useState } from "react";

import { AttachmentPicker, type ChosenFile } from "@/components/Attachments";
import { FormModal } from "@/components/FormModal";
import { useRoles } from "@/features/control/api";
import { OrgUnitPicker } from "@/features/control/OrgUnitPicker";
import { errorText, showError } from "@/features/control/shared";
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_COUNT, formatBytes } from "@/lib/attachments";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useActiveUsers, useApplyAttachments, useSaveAnnouncement } from "./api";
import { type Announcement, type Attachment, type AudienceForm, audienceForm, audienceOf, htmlToText, textToHtml } from "./logic";

interface Values {
  title: string;
  text: string;
  audience: AudienceForm;
  publishTime?: dayjs.Dayjs | null;
  expireTime: dayjs.Dayjs;
  pinned: boolean;
  importance: string;
}

export function AnnouncementEditor({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing?: Announcement;
  onClose: () => void;
  onSaved?: (a: Announcement) => void;
}) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveAnnouncement();
  const applyAttachments = useApplyAttachments();
  const [added, setAdded] = useState<ChosenFile[]>([]);
  const [removed, setRemoved] = useState<Attachment[]>([]);
  const roles = useRoles(open);
  const users = useActiveUsers(open);
  const kind = Form.useWatch(["audience", "kind"], form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setAdded([]);
    setRemoved([]);
    form.setFieldsValue(
      editing
        ? {
            title: editing.title,
            text: htmlToText(editing.content ?? ""),
            audience: audienceForm(editing.audience),
            expireTime: dayjs(editing.expireTime),
            pinned: Boolean(editing.pinned),
            importance: editing.importance && editing.importance !== "IMPORTANCE_UNSPECIFIED" ? editing.importance : "IMPORTANCE_NORMAL",
          }
        : { audience: { kind: "all", withSubunits: true }, expireTime: dayjs().add(7, "day").endOf("day"), pinned: false, importance: "IMPORTANCE_NORMAL" },
    );
  }, [open, editing, form]);

  const submit = (v: Values) => {
    const announcement: Announcement = {
      name: editing?.name,
      etag: editing?.etag,
      title: v.title,
      content: textToHtml(v.text),
      audience: audienceOf(v.audience),
      expireTime: v.expireTime.toISOString(),
      pinned: v.pinned,
      importance: v.importance as Announcement["importance"],
      ...(!editing && v.publishTime ? { publishTime: v.publishTime.toISOString() } : {}),
    };
    save.mutate(announcement, {
      onSuccess: (saved) => {
        void message.success(t(editing ? "notices.saved" : "notices.published"));
        if (saved.name && (added.length || removed.length)) {
          const files = { parent: saved.name, removed: removed.map((r) => ({ name: r.name!, fileName: r.fileName ?? "" })), added: added.map((a) => a.file) };
          applyAttachments.mutate(files, {
            onSuccess: (failures) =>
              failures.forEach((f) => void message.error(t("notices.attachmentFailed", { name: f.fileName, error: errorText(f.error, t) }))),
          });
        }
        onSaved?.(saved);
        onClose();
      },
      onError: (e) =>
        showError(e, message, t, form, {
          prefix: "announcement",
          rename: { content: "text", orgUnits: "audience", orgUnitsOnly: "audience", roles: "audience", users: "audience" },
        }),
    });
  };

  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.name!, label: r.displayName || resourceId(r.name) }));
  const userOptions = (users.data ?? []).map((u) => ({ value: u.name!, label: `${u.displayName}（${u.username ?? resourceId(u.name)}）` }));
  const kept = (editing?.attachments ?? []).filter((a) => !removed.some((r) => r.name === a.name));
  const unpick = (uid: string, existing: boolean) => {
    if (existing) setRemoved((list) => [...list, ...kept.filter((a) => a.name === uid)]);
    else setAdded((list) => list.filter((a) => a.uid !== uid));
  };
  return (
    <FormModal open={open} title={t(editing ? "notices.edit" : "notices.new")} form={form} busy={save.isPending} onClose={onClose}>
      <Form<Values> form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="title" label={t("notices.titleField")} rules={[{ required: true, whitespace: true, message: t("notices.required") }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="text" label={t("notices.content")} rules={[{ required: true, whitespace: true, message: t("notices.required") }]}>
          <Input.TextArea rows={6} />
        </Form.Item>
        <Form.Item name={["audience", "kind"]} label={t("notices.audience")}>
          <Radio.Group
            options={(["all", "orgUnits", "roles", "users"] as const).map((k) => ({ value: k, label: t(`notices.audience_${k}`) }))}
            optionType="button"
          />
        </Form.Item>
        {kind === "orgUnits" ? (
          <>
            <Form.Item name={["audience", "orgUnits"]} rules={[{ required: true, message: t("notices.required") }]}>
              <OrgUnitPicker label={t("notices.pickOrgUnits")} placeholder={t("notices.pickOrgUnits")} enabled={open} testId="audience-org-units" />
            </Form.Item>
            <Form.Item name={["audience", "withSubunits"]} valuePropName="checked">
              <Checkbox>{t("notices.withSubunits")}</Checkbox>
            </Form.Item>
          </>
        ) : null}
        {kind === "roles" ? (
          <Form.Item name={["audience", "roles"]} rules={[{ required: true, message: t("notices.required") }]}>
            <Select mode="multiple" options={roleOptions} placeholder={t("notices.pickRoles")} />
          </Form.Item>
        ) : null}
        {kind === "users" ? (
          <Form.Item name={["audience", "users"]} rules={[{ required: true, message: t("notices.required") }]}>
            <Select
              mode="multiple"
              aria-label={t("notices.pickUsers")}
              options={userOptions}
              showSearch={{ optionFilterProp: "label" }}
              placeholder={t("notices.pickUsers")}
              loading={users.isLoading}
            />
          </Form.Item>
        ) : null}
        {editing ? null : (
          <Form.Item name="publishTime" label={t("notices.publishTime")} extra={t("notices.publishNowHint")}>
            <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        )}
        <Form.Item name="expireTime" label={t("notices.expireTime")} rules={[{ required: true, message: t("notices.required") }]}>
          <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" allowClear={false} />
        </Form.Item>
        <Form.Item name="importance" label={t("notices.importance")}>
          <Select
            options={["IMPORTANCE_NORMAL", "IMPORTANCE_HIGH", "IMPORTANCE_URGENT"].map((v) => ({ value: v, label: enumText("announcementImportance", v) }))}
          />
        </Form.Item>
        <Form.Item name="pinned" label={t("notices.pinned")} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item
          label={t("notices.attachments")}
          extra={t("notices.attachmentHint", { max: formatBytes(ATTACHMENT_MAX_BYTES), count: ATTACHMENT_MAX_COUNT })}
        >
          <AttachmentPicker
            existing={kept}
            added={added}
            onAdd={(chosen) => setAdded((list) => [...list, chosen])}
            onRemove={unpick}
            problemText={(problem, file) =>
              t(`notices.attachment_${problem}`, { name: file.name, max: formatBytes(ATTACHMENT_MAX_BYTES), count: ATTACHMENT_MAX_COUNT })
            }
            label={t("notices.addAttachment")}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
