// The customer's messages on the 360 page ("act from where you read"): 发送消息 (a template, its values, the
// delivery's state or why it was not sent), 营销授权 (SMS / e-mail consent with its source, saved against the
// etag it was read with) and 消息记录 (what the customer was sent, newest first).
import { MailOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Col, Form, Input, List, Modal, Row, Space, Switch, Typography } from "antd";
import { useEffect, useRef, useState } from "react";

import { NoData, PageError, PageLoading } from "@/components/PageState";
import { Pager, showError, usePageTokens } from "@/features/control/shared";
import { formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useConsent, useDeliveries, useSendCustomerMessage, useTemplates, useUpdateConsent } from "./api";
import { type ConsentValues, consentUpdate, type Delivery, filledVariables, SAMPLE_VALUES, variablesToAsk } from "./logic";
import { DeliveryDrawer, DeliveryStateTag, RetryButton, TemplateField, TemplatePreview } from "./parts";

interface SendValues {
  template?: string;
  variables?: Record<string, string | undefined>;
}

/** 发送消息: the button in the 360's header and its dialog (with customer_messages.send). */
export function SendMessageButton({ id, customerName }: { id: string; customerName?: string }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<SendValues>();
  const values = Form.useWatch([], form) as SendValues | undefined;
  const templates = useTemplates(open);
  const send = useSendCustomerMessage(id);
  const [result, setResult] = useState<Delivery | null>(null);
  const requestId = useRef(crypto.randomUUID());
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setResult(null);
    requestId.current = crypto.randomUUID();
  }, [open, form]);
  if (!can(me, "customer_messages.send")) return null;
  const template = (templates.data ?? []).find((x) => x.name === values?.template);
  const ask = variablesToAsk(template);
  const submit = (v: SendValues) =>
    send.mutate(
      { template: v.template!, variables: filledVariables(v.variables), requestId: requestId.current },
      {
        onSuccess: (delivery) => {
          setResult(delivery);
          requestId.current = crypto.randomUUID();
          if (delivery.state !== "STATE_SUPPRESSED") void message.success(t("customerMessages.messageSent"));
        },
        onError: (e) => showError(e, message, t, form),
      },
    );
  return (
    <>
      <Button icon={<MailOutlined />} onClick={() => setOpen(true)} data-testid="send-message">
        {t("customerMessages.sendMessage")}
      </Button>
      <Modal
        open={open}
        title={t("customerMessages.sendMessageTitle")}
        okText={t("customerMessages.send")}
        cancelText={t("common.cancel")}
        confirmLoading={send.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        forceRender
      >
        <Form<SendValues>
          form={form}
          layout="vertical"
          onFinish={submit}
          onValuesChange={(changed) => {
            if ("template" in changed) form.setFieldValue("variables", {});
            setResult(null);
          }}
        >
          <TemplateField testId="send-template" enabled={open} />
          {template ? <Typography.Paragraph type="secondary">{t("customerMessages.perCustomerHint")}</Typography.Paragraph> : null}
          {ask.map((v) => (
            <Form.Item key={v} name={["variables", v]} label={`{{${v}}}`}>
              <Input maxLength={200} placeholder={SAMPLE_VALUES[v as keyof typeof SAMPLE_VALUES]} />
            </Form.Item>
          ))}
        </Form>
        {template ? (
          <TemplatePreview
            title={t("customerMessages.preview")}
            subject={template.subject}
            body={template.body}
            values={{ ...SAMPLE_VALUES, ...(customerName ? { customer_name: customerName } : {}), ...filledVariables(values?.variables) }}
          />
        ) : null}
        {result ? (
          <Alert
            style={{ marginTop: 12 }}
            type={result.state === "STATE_SUPPRESSED" || result.state === "STATE_FAILED" ? "warning" : "success"}
            showIcon
            data-testid="send-result"
            title={
              result.state === "STATE_SUPPRESSED"
                ? t("customerMessages.suppressed", { reason: result.suppressReason ?? "" })
                : t("customerMessages.deliveryState", { state: enumText("deliveryState", result.state) })
            }
          />
        ) : null}
      </Modal>
    </>
  );
}

/** 营销授权: the customer's SMS / e-mail consent and its source (with customer_consents.manage). */
export function ConsentCard({ id }: { id: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const consent = useConsent(id);
  const update = useUpdateConsent(id);
  const [form] = Form.useForm<ConsentValues>();
  const current = consent.data;
  useEffect(() => {
    if (current) form.setFieldsValue({ smsOptIn: Boolean(current.smsOptIn), emailOptIn: Boolean(current.emailOptIn), source: current.source ?? "" });
  }, [current, form]);
  if (consent.isPending) return <PageLoading />;
  if (consent.isError) return <PageError error={consent.error} onRetry={() => void consent.refetch()} />;
  const submit = (v: ConsentValues) => {
    const { consent: body, mask } = consentUpdate(current!, { ...v, source: v.source ?? "" });
    if (!mask) return;
    update.mutate(
      { consent: body, mask },
      {
        onSuccess: () => void message.success(t("customerMessages.consentSaved")),
        onError: (e) => {
          showError(e, message, t, form, { prefix: "customer_consent" });
          void consent.refetch();
        },
      },
    );
  };
  return (
    <Form<ConsentValues> form={form} layout="vertical" onFinish={submit} data-testid="consent-form">
      <Typography.Paragraph type="secondary">{t("customerMessages.consentHint")}</Typography.Paragraph>
      <Space wrap size="large">
        <Form.Item name="smsOptIn" label={t("customerMessages.smsOptIn")} valuePropName="checked">
          <Switch aria-label={t("customerMessages.smsOptIn")} data-testid="consent-sms" />
        </Form.Item>
        <Form.Item name="emailOptIn" label={t("customerMessages.emailOptIn")} valuePropName="checked">
          <Switch aria-label={t("customerMessages.emailOptIn")} data-testid="consent-email" />
        </Form.Item>
      </Space>
      <Form.Item name="source" label={t("customerMessages.consentSource")}>
        <Input maxLength={200} placeholder={t("customerMessages.consentSourcePlaceholder")} />
      </Form.Item>
      <Space wrap>
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="consent-save">
          {t("common.save")}
        </Button>
        <Typography.Text type="secondary" data-testid="consent-updated">
          {current?.updateTime ? t("customerMessages.consentUpdated", { time: formatTime(current.updateTime) }) : t("customerMessages.consentNever")}
        </Typography.Text>
      </Space>
    </Form>
  );
}

/** 消息记录: what the customer was sent (deliveries to `customers/{id}`), newest first. */
export function CustomerDeliveries({ id }: { id: string }) {
  const { enumText } = useI18n();
  const pager = usePageTokens();
  const list = useDeliveries({ recipient: `customers/${id}` }, pager.token, 20);
  const [open, setOpen] = useState<Delivery | null>(null);
  if (list.isError) return <PageError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      <List<Delivery>
        loading={list.isPending}
        dataSource={list.data?.deliveries ?? []}
        locale={{ emptyText: <NoData /> }}
        renderItem={(d) => (
          <List.Item key={d.name} style={{ cursor: "pointer" }} onClick={() => setOpen(d)} extra={<RetryButton delivery={d} />} data-testid="customer-delivery">
            <List.Item.Meta
              title={
                <Space wrap>
                  <span className="kam-num">{formatTime(d.createTime)}</span>
                  <DeliveryStateTag state={d.state} />
                  <span>{enumText("noticeChannel", d.channel)}</span>
                </Space>
              }
              description={
                <>
                  <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                    {d.renderedBody}
                  </Typography.Paragraph>
                  {d.suppressReason || d.lastError ? (
                    <Typography.Text type={d.state === "STATE_FAILED" ? "danger" : "warning"}>{d.suppressReason || d.lastError}</Typography.Text>
                  ) : null}
                </>
              }
            />
          </List.Item>
        )}
      />
      {list.data?.nextPageToken || pager.page > 1 ? <Pager pager={pager} nextToken={list.data?.nextPageToken} loading={list.isFetching} /> : null}
      <DeliveryDrawer delivery={open} onClose={() => setOpen(null)} />
    </>
  );
}

/** The 360's 消息 tab: 营销授权 beside 消息记录, each shown to who may use it. */
export function CustomerMessagesTab({ id }: { id: string }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const consent = can(me, "customer_consents.manage");
  const deliveries = can(me, "deliveries.read");
  return (
    <Row gutter={[12, 12]} data-testid="customer-messages">
      {consent ? (
        <Col xs={24} lg={10}>
          <Card size="small" title={t("customerMessages.consentTitle")}>
            <ConsentCard id={id} />
          </Card>
        </Col>
      ) : null}
      {deliveries ? (
        <Col xs={24} lg={consent ? 14 : 24}>
          <Card size="small" title={t("customerMessages.messagesTitle")}>
            <CustomerDeliveries id={id} />
          </Card>
        </Col>
      ) : null}
    </Row>
  );
}

/** Whether the 360 shows the 消息 tab for this user. */
export function showsCustomerMessages(permissions: readonly string[] | undefined): boolean {
  return Boolean(permissions?.some((p) => p === "customer_consents.manage" || p === "deliveries.read"));
}
