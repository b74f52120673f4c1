// 群发: one template to a segment of key customers — the template, the segment (tiers, org units from the org
// tree with the units below them, relationship managers, customer type), the values of the template's other
// variables; 预览 lists who receives it and who is excluded and why (paged, with the counts); 发送 after a
// confirmation, then the bulletin's counts. Nothing is sent by 预览.
import { SendOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Result, Row, Select, Space, Statistic, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { useRef, useState } from "react";
import { Link } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { OrgUnitPicker } from "@/features/control/OrgUnitPicker";
import { Pager, showError, usePageTokens } from "@/features/control/shared";
import { useRelationshipManagers, useTierNames } from "@/features/customers/api";
import { formatCount, resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useCreateBulletin, usePreviewBulletin, useTemplates } from "./api";
import {
  type Bulletin,
  type BulletinForm,
  bulletinKey,
  bulletinOf,
  type BulletinRecipient,
  SAMPLE_VALUES,
  SEGMENT_TYPES,
  variablesToAsk,
} from "./logic";
import { TemplateField, TemplatePreview } from "./parts";


export default function BulletinTab() {
  const { t, lang, enumText } = useI18n();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const phone = useIsPhone();
  const [form] = Form.useForm<BulletinForm>();
  const values = Form.useWatch([], form) as BulletinForm | undefined;
  const templates = useTemplates();
  const tiers = useTierNames();
  const managers = useRelationshipManagers();
  const create = useCreateBulletin();
  const [previewed, setPreviewed] = useState<Bulletin | null>(null);
  const pager = usePageTokens();
  const preview = usePreviewBulletin(previewed, pager.token);
  const [sent, setSent] = useState<Bulletin | null>(null);
  // one idempotency key per bulletin as composed: pressing 发送 again after a lost answer sends it once
  const requestIds = useRef(new Map<string, string>());

  const template = (templates.data ?? []).find((x) => x.name === values?.template);
  const ask = variablesToAsk(template);
  const current = bulletinOf(values ?? {});
  const stale = previewed !== null && bulletinKey(previewed) !== bulletinKey(current);
  const counts = !stale && preview.data ? preview.data : undefined;

  const runPreview = async () => {
    await form.validateFields();
    pager.reset();
    setPreviewed(bulletinOf(form.getFieldsValue(true) as BulletinForm));
    // 预览 again asks again (the segment's customers and their consent may have changed)
    void client.invalidateQueries({ queryKey: ["bulletins", "preview"] });
  };

  const send = async () => {
    await form.validateFields();
    const bulletin = bulletinOf(form.getFieldsValue(true) as BulletinForm);
    const key = bulletinKey(bulletin);
    const requestId = requestIds.current.get(key) ?? crypto.randomUUID();
    requestIds.current.set(key, requestId);
    const name = template?.displayName ?? "";
    modal.confirm({
      title: t("customerMessages.sendConfirmTitle"),
      content: counts
        ? t("customerMessages.sendConfirm", { template: name, included: formatCount(counts.includedCount, lang), excluded: formatCount(counts.excludedCount, lang) })
        : t("customerMessages.sendConfirmUnknown", { template: name }),
      okText: t("customerMessages.send"),
      cancelText: t("common.cancel"),
      onOk: () =>
        create.mutateAsync({ bulletin, requestId }).then(
          (made) => {
            void message.success(t("customerMessages.sent"));
            setSent(made);
          },
          (e: unknown) => showError(e, message, t, form, { prefix: "bulletin" }),
        ),
    });
  };

  const again = () => {
    setSent(null);
    setPreviewed(null);
    form.resetFields();
  };

  if (sent) {
    return (
      <Result
        status="success"
        title={t("customerMessages.result")}
        subTitle={
          <span data-testid="bulletin-result">
            {t("customerMessages.resultCounts", {
              total: formatCount(sent.recipientCount, lang),
              included: formatCount(sent.includedCount, lang),
              excluded: formatCount(sent.excludedCount, lang),
            })}
          </span>
        }
        extra={[
          <Link key="deliveries" to={`/deliveries?trigger=${encodeURIComponent(sent.name ?? "")}`}>
            <Button type="primary">{t("customerMessages.viewDeliveries")}</Button>
          </Link>,
          <Button key="again" onClick={again}>
            {t("customerMessages.newBulletin")}
          </Button>,
        ]}
      />
    );
  }

  const columns: ColumnsType<BulletinRecipient> = [
    {
      key: "customer",
      title: t("customerMessages.customer"),
      render: (_, r) => <Link to={`/customers/${resourceId(r.customer)}`}>{r.displayName || resourceId(r.customer)}</Link>,
    },
    { key: "tier", title: t("customerMessages.tier"), render: (_, r) => tiers.name(r.tier) },
    { key: "branch", title: t("customerMessages.branch"), render: (_, r) => resourceId(r.branch) },
    {
      key: "included",
      title: t("customerMessages.receives"),
      render: (_, r) =>
        r.included ? (
          <Tag color="success">{t("customerMessages.yes")}</Tag>
        ) : (
          <Tag color="warning">{t("customerMessages.excludeReason", { reason: r.excludeReason ?? "" })}</Tag>
        ),
    },
  ];

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Form<BulletinForm> form={form} layout="vertical" onValuesChange={(changed) => "template" in changed && form.setFieldValue("variables", {})}>
          <TemplateField testId="bulletin-template" />
          <Card size="small" title={t("customerMessages.segment")} style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t("customerMessages.segmentHint")}</Typography.Paragraph>
            <Form.Item name={["segment", "tiers"]} label={t("customerMessages.tiers")}>
              <Select
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: "label" }}
                placeholder={t("customerMessages.anyValue")}
                options={tiers.tiers.map((tier) => ({ value: tier, label: tiers.name(tier) }))}
                data-testid="segment-tiers"
              />
            </Form.Item>
            <Form.Item name={["segment", "orgUnits"]} label={t("customerMessages.orgUnits")}>
              <OrgUnitPicker label={t("customerMessages.orgUnits")} placeholder={t("customerMessages.anyValue")} testId="segment-org-units" />
            </Form.Item>
            <Form.Item name={["segment", "relationshipManagers"]} label={t("customerMessages.relationshipManagers")}>
              <Select
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: "label" }}
                placeholder={t("customerMessages.anyValue")}
                loading={managers.isPending}
                options={(managers.data?.users ?? []).map((u) => ({ value: u.name!, label: u.displayName || resourceId(u.name) }))}
                data-testid="segment-managers"
              />
            </Form.Item>
            <Form.Item name={["segment", "types"]} label={t("customerMessages.types")} style={{ marginBottom: 0 }}>
              <Checkbox.Group options={SEGMENT_TYPES.map((v) => ({ value: v, label: enumText("segmentType", v) }))} />
            </Form.Item>
          </Card>
          {template ? (
            <Card size="small" title={t("customerMessages.variableValues")} style={{ marginBottom: 16 }}>
              <Typography.Paragraph type="secondary">{t("customerMessages.perCustomerHint")}</Typography.Paragraph>
              {ask.length ? (
                ask.map((v) => (
                  <Form.Item key={v} name={["variables", v]} label={`{{${v}}}`}>
                    <Input maxLength={200} placeholder={SAMPLE_VALUES[v as keyof typeof SAMPLE_VALUES]} />
                  </Form.Item>
                ))
              ) : (
                <Typography.Text type="secondary">{t("customerMessages.noVariables")}</Typography.Text>
              )}
            </Card>
          ) : null}
          <Space wrap>
            <Button onClick={() => void runPreview().catch(() => undefined)} loading={preview.isFetching} data-testid="bulletin-preview">
              {t("customerMessages.runPreview")}
            </Button>
            <Button type="primary" icon={<SendOutlined />} onClick={() => void send().catch(() => undefined)} loading={create.isPending} data-testid="bulletin-send">
              {t("customerMessages.send")}
            </Button>
          </Space>
        </Form>
      </Col>
      <Col xs={24} lg={12}>
        <Space orientation="vertical" style={{ width: "100%" }}>
          {template ? (
            <TemplatePreview
              title={t("customerMessages.preview")}
              subject={template.subject}
              body={template.body}
              values={{ ...SAMPLE_VALUES, ...current.variables }}
              testId="bulletin-message-preview"
            />
          ) : null}
          {stale ? <Alert type="warning" showIcon title={t("customerMessages.previewStale")} /> : null}
          {previewed && preview.isError ? <PageError error={preview.error} /> : null}
          {previewed && !preview.isError ? (
            <Card size="small" data-testid="bulletin-preview-result">
              <Row gutter={8} style={{ marginBottom: 12 }}>
                <Col span={8}>
                  <Statistic title={t("customerMessages.total")} value={formatCount(preview.data?.totalSize, lang)} loading={preview.isPending} />
                </Col>
                <Col span={8}>
                  <Statistic
                    title={t("customerMessages.included")}
                    value={formatCount(preview.data?.includedCount, lang)}
                    loading={preview.isPending}
                    data-testid="preview-included"
                  />
                </Col>
                <Col span={8}>
                  <Statistic
                    title={t("customerMessages.excluded")}
                    value={formatCount(preview.data?.excludedCount, lang)}
                    loading={preview.isPending}
                    data-testid="preview-excluded"
                  />
                </Col>
              </Row>
              <Table<BulletinRecipient>
                rowKey={(r) => r.customer ?? ""}
                size="small"
                loading={preview.isFetching}
                columns={phone ? columns.filter((c) => c.key !== "branch") : columns}
                dataSource={preview.data?.recipients ?? []}
                pagination={false}
                scroll={{ x: phone ? 360 : undefined }}
                locale={{ emptyText: <NoData /> }}
                data-testid="preview-recipients"
              />
              <div style={{ marginTop: 8 }}>
                <Pager pager={pager} nextToken={preview.data?.nextPageToken} loading={preview.isFetching} />
              </div>
            </Card>
          ) : null}
        </Space>
      </Col>
    </Row>
  );
}
