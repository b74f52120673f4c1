// 发布公告 / 修改公告: title, content (typed text kept as text: paragraphs and line breaks), audience (everyone, org
// units with or without the units below, roles), publish time (now or later), expiry, pinned, importance. The
// API's field violations show under their fields.
import { App, Checkbox, DatePicker, Form, Input, Radio, Select, Switch } from "antd";
import dayjs from "dayjs";
import { useEffect } from "react";

import { FormModal } from "@/components/FormModal";
import { useAllOrgUnits, useRoles } from "@/features/control/api";
import { showError } from "@/features/control/shared";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useSaveAnnouncement } from "./api";
import { type Announcement, type AudienceForm, audienceForm, audienceOf, htmlToText, textToHtml } from "./logic";

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
  const units = useAllOrgUnits(open);
  const roles = useRoles(open);
  const kind = Form.useWatch(["audience", "kind"], form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
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

  const orgOptions = (units.data ?? []).map((o) => ({ value: o.name!, label: `${o.displayName} (${resourceId(o.name)})` }));
  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.name!, label: r.displayName || resourceId(r.name) }));
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
            options={(["all", "orgUnits", "roles"] as const).map((k) => ({ value: k, label: t(`notices.audience_${k}`) }))}
            optionType="button"
          />
        </Form.Item>
        {kind === "orgUnits" ? (
          <>
            <Form.Item name={["audience", "orgUnits"]} rules={[{ required: true, message: t("notices.required") }]}>
              <Select mode="multiple" options={orgOptions} showSearch={{ optionFilterProp: "label" }} placeholder={t("notices.pickOrgUnits")} />
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
      </Form>
    </FormModal>
  );
}
