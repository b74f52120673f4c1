// 新建模板 / 修改模板 in a drawer: name, purpose, channel, subject (e-mail), text and its English version; the
// variables a template may use as chips that insert at the cursor of the field being typed in; a live preview
// from sample values. An unknown variable is flagged while typing; the API's field violations (an unknown
// variable refused, a missing subject) show under their fields.
import { App, Button, Col, Drawer, Form, Input, Radio, Row, Select, Space } from "antd";
import type { TextAreaRef } from "antd/es/input/TextArea";
import type { InputRef } from "antd";
import { useEffect, useRef } from "react";

import { useIsPhone } from "@/app/Shell";
import { clearServerErrors, showError } from "@/features/control/shared";
import { useI18n } from "@/locales/i18n";

import { useSaveTemplate } from "./api";
import { CATEGORIES, insertVariable, SAMPLE_VALUES, type Template, TEMPLATE_CHANNELS, templateOf, type TemplateValues, unknownVariables } from "./logic";
import { TemplatePreview, VariableChips } from "./parts";

type TextField = "subject" | "body" | "enSubject" | "enBody";

export function TemplateDrawer({ open, editing, onClose }: { open: boolean; editing?: Template; onClose: () => void }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [form] = Form.useForm<TemplateValues>();
  const save = useSaveTemplate();
  const values = Form.useWatch([], form) as Partial<TemplateValues> | undefined;
  const email = values?.channel === "CHANNEL_EMAIL";
  // the field the cursor was last in, and the elements to put a chip's variable into
  const focused = useRef<TextField>("body");
  const inputs = useRef<Partial<Record<TextField, HTMLInputElement | HTMLTextAreaElement | null>>>({});

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    focused.current = "body";
    form.setFieldsValue(
      editing
        ? {
            displayName: editing.displayName,
            category: editing.category,
            channel: editing.channel as TemplateValues["channel"],
            subject: editing.subject,
            body: editing.body,
            enSubject: editing.enSubject,
            enBody: editing.enBody,
          }
        : { category: "CATEGORY_GREETING", channel: "CHANNEL_SMS", body: "" },
    );
  }, [open, editing, form]);

  const pick = (variable: string) => {
    const field = !email && (focused.current === "subject" || focused.current === "enSubject") ? "body" : focused.current;
    const element = inputs.current[field];
    const current = form.getFieldValue(field) as string | undefined;
    const { text, cursor } = insertVariable(current, variable, element?.selectionStart);
    form.setFieldValue(field, text);
    form.setFields([{ name: field, errors: [] }]);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(cursor, cursor);
    });
  };

  const submit = (v: TemplateValues) =>
    save.mutate(templateOf(v, editing), {
      onSuccess: () => {
        void message.success(t("customerMessages.saved"));
        onClose();
      },
      onError: (e) => showError(e, message, t, form, { prefix: "template" }),
    });

  const variableCheck = { warningOnly: true, validator: async (_: unknown, text?: string) => {
    const unknown = unknownVariables(text);
    if (unknown.length) throw new Error(t("customerMessages.unknownVariable", { names: unknown.join("、") }));
  } };
  const track = (field: TextField) => ({
    onFocus: () => (focused.current = field),
  });
  const inputRef = (field: TextField) => (ref: InputRef | null) => {
    inputs.current[field] = ref?.input ?? null;
  };
  const areaRef = (field: TextField) => (ref: TextAreaRef | null) => {
    inputs.current[field] = ref?.resizableTextArea?.textArea ?? null;
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t(editing ? "customerMessages.editTemplate" : "customerMessages.newTemplate")}
      size={phone ? "100%" : 960}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="template-save">
            {t("common.save")}
          </Button>
        </Space>
      }
    >
      <Row gutter={16}>
        <Col xs={24} md={14}>
          <Form<TemplateValues> form={form} layout="vertical" onFinish={submit} onValuesChange={clearServerErrors(form)}>
            <Form.Item name="displayName" label={t("customerMessages.templateName")} rules={[{ required: true, whitespace: true, message: t("customerMessages.required") }]}>
              <Input maxLength={100} />
            </Form.Item>
            <Space wrap>
              <Form.Item name="category" label={t("customerMessages.category")}>
                <Select
                  style={{ width: 160 }}
                  options={CATEGORIES.map((c) => ({ value: c, label: enumText("templateCategory", c) }))}
                />
              </Form.Item>
              <Form.Item name="channel" label={t("customerMessages.channel")}>
                <Radio.Group optionType="button" options={TEMPLATE_CHANNELS.map((c) => ({ value: c, label: enumText("noticeChannel", c) }))} />
              </Form.Item>
            </Space>
            {email ? (
              <Form.Item name="subject" label={t("customerMessages.subject")} rules={[variableCheck]}>
                <Input maxLength={200} ref={inputRef("subject")} {...track("subject")} />
              </Form.Item>
            ) : null}
            <Form.Item
              name="body"
              label={t("customerMessages.body")}
              rules={[{ required: true, whitespace: true, message: t("customerMessages.required") }, variableCheck]}
            >
              <Input.TextArea rows={5} ref={areaRef("body")} {...track("body")} />
            </Form.Item>
            <Form.Item>
              <VariableChips onPick={pick} />
            </Form.Item>
            {email ? (
              <Form.Item name="enSubject" label={t("customerMessages.enSubject")} rules={[variableCheck]}>
                <Input maxLength={200} ref={inputRef("enSubject")} {...track("enSubject")} />
              </Form.Item>
            ) : null}
            <Form.Item name="enBody" label={t("customerMessages.enBody")} extra={t("customerMessages.enHint")} rules={[variableCheck]}>
              <Input.TextArea rows={4} ref={areaRef("enBody")} {...track("enBody")} />
            </Form.Item>
          </Form>
        </Col>
        <Col xs={24} md={10}>
          <Space orientation="vertical" style={{ width: "100%" }}>
            <TemplatePreview
              title={t("customerMessages.preview")}
              subject={email ? values?.subject : undefined}
              body={values?.body}
              values={SAMPLE_VALUES}
              testId="template-preview"
            />
            {values?.enBody ? (
              <TemplatePreview title={t("customerMessages.enPreview")} subject={email ? values?.enSubject : undefined} body={values.enBody} values={SAMPLE_VALUES} />
            ) : null}
            <span className="kam-muted">{t("customerMessages.previewHint")}</span>
          </Space>
        </Col>
      </Row>
    </Drawer>
  );
}
