// 客户360: a header of key figures and actions one click away ("act from where you read"), then the related lists
// in tabs — 概览, 账户, 交易, 联系人, 组织架构, 资信, 时间线 / 互动记录. On a phone the tabs are one stacked page.
import { ArrowLeftOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Descriptions, Row, Space, Statistic, Tabs, Tag, Typography } from "antd";
import { type ReactNode, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { Pii } from "@/components/Masked";
import { PageError, PageLoading } from "@/components/PageState";
import { TierTag } from "@/components/TierTag";
import { CustomerMessagesTab, SendMessageButton, showsCustomerMessages } from "@/features/customerMessages/Customer360Messages";
import { formatCompactCny, formatDate, moneyValue } from "@/lib/format";
import { useOnline } from "@/lib/offline";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { unmaskedCustomer, useCustomer, useCustomerTier, useTierHistory, useTierNames } from "./api";
import { InsightCard } from "./InsightCard";
import { AccountsTab, CreditTab, ContactsTab, InteractionForm, InteractionsTab, StructureTab, TierPanel, TransactionsTab } from "./parts";
import { TierOverride } from "./TierOverride";

export default function Customer360Page() {
  const { id = "" } = useParams();
  const { t, lang, enumText } = useI18n();
  const phone = useIsPhone();
  const online = useOnline();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const tiers = useTierNames();
  const customer = useCustomer(id);
  // the overview's tier and history are asked for with the customer, not after it
  useCustomerTier(id);
  useTierHistory(id);
  const [logging, setLogging] = useState(false);

  if (customer.isPending) return <PageLoading />;
  if (customer.error) return <PageError error={customer.error} onRetry={() => void customer.refetch()} />;
  const c = customer.data;
  const m = c.metrics;
  const corporate = c.type === "TYPE_CORPORATE";

  const sections: { key: string; label: string; children: ReactNode }[] = [
    {
      key: "overview",
      label: t("c360.overview"),
      children: (
        <>
          <TierOverride id={id} customerType={c.type} />
          <TierPanel id={id} />
          <Descriptions size="small" column={phone ? 1 : 2} style={{ marginTop: 12 }} bordered>
            <Descriptions.Item label={t("customer.type")}>{enumText("customerType", c.type)}</Descriptions.Item>
            <Descriptions.Item label={t("customer.state")}>{enumText("customerState", c.state)}</Descriptions.Item>
            <Descriptions.Item label={t("customer.idNumber")}>
              <Pii value={c.idNumber} masked={c.masked} unmask={async () => (await unmaskedCustomer(id)).idNumber} />
            </Descriptions.Item>
            <Descriptions.Item label={t("customer.phone")}>
              <Pii value={c.phone} masked={c.masked} phone unmask={async () => (await unmaskedCustomer(id)).phone} />
            </Descriptions.Item>
            <Descriptions.Item label={t("customer.branch")}>{c.branchDisplayName || c.branch}</Descriptions.Item>
            <Descriptions.Item label={t("customer.rm")}>{c.relationshipManagerDisplayName || c.relationshipManager}</Descriptions.Item>
            {corporate ? (
              <>
                <Descriptions.Item label={t("customer.legalRepresentative")}>{c.legalRepresentative}</Descriptions.Item>
                <Descriptions.Item label={t("customer.industry")}>{c.industry}</Descriptions.Item>
                <Descriptions.Item label={t("customer.establishmentDate")}>{formatDate(c.establishmentDate)}</Descriptions.Item>
              </>
            ) : (
              <Descriptions.Item label={t("customer.birthDate")}>{formatDate(c.birthDate)}</Descriptions.Item>
            )}
            <Descriptions.Item label={t("customer.relationshipStart")}>{formatDate(c.relationshipStartDate)}</Descriptions.Item>
            <Descriptions.Item label={t("customer.source")}>{enumText("customerSource", c.source)}</Descriptions.Item>
            <Descriptions.Item label={t("customer.email")}>
              <Pii value={c.email} masked={c.masked} unmask={async () => (await unmaskedCustomer(id)).email} />
            </Descriptions.Item>
            <Descriptions.Item label={t("customer.address")}>
              <Pii value={c.address} masked={c.masked} unmask={async () => (await unmaskedCustomer(id)).address} />
            </Descriptions.Item>
          </Descriptions>
        </>
      ),
    },
    { key: "accounts", label: t("c360.accounts"), children: <AccountsTab id={id} /> },
    { key: "transactions", label: t("c360.transactions"), children: <TransactionsTab id={id} /> },
    { key: "contacts", label: t("c360.contacts"), children: <ContactsTab id={id} /> },
    ...(corporate ? [{ key: "structure", label: t("c360.structure"), children: <StructureTab id={id} /> }] : []),
    { key: "credit", label: t("c360.credit"), children: <CreditTab id={id} /> },
    { key: "timeline", label: t("c360.timeline"), children: <InteractionsTab id={id} /> },
    ...(showsCustomerMessages(me?.permissions)
      ? [{ key: "messages", label: t("customerMessages.tab360"), children: <CustomerMessagesTab id={id} /> }]
      : []),
  ];

  const figures: [string, number][] = [
    [t("customer.aum"), moneyValue(m?.assetsUnderManagement)],
    [t("customer.avgBalance"), moneyValue(m?.averageDailyBalance)],
    [t("customer.contribution"), moneyValue(m?.contribution)],
    [t("customer.loanBalance"), moneyValue(m?.loanBalance)],
  ];

  return (
    <div data-testid="customer-360">
      {!online && <Alert className="kam-offline" type="warning" showIcon title={t("app.offline")} data-testid="offline-banner" />}
      <Space align="center" wrap style={{ marginBottom: 12 }}>
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t("common.back")} onClick={() => navigate(-1)} />
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="customer-name">
          {c.displayName}
        </Typography.Title>
        <TierTag graded={Boolean(c.tier)} testId="customer-tier">
          {tiers.name(c.tier)}
        </TierTag>
        <Tag>{enumText("customerType", c.type)}</Tag>
        {m?.tenureMonths ? <span className="kam-muted">{t("customer.tenure", { months: m.tenureMonths })}</span> : null}
        {can(me, "interactions.create") && (
          <Button icon={<PlusOutlined />} onClick={() => setLogging(true)}>
            {t("c360.logInteraction")}
          </Button>
        )}
        <SendMessageButton id={id} customerName={c.displayName} />
      </Space>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {figures.map(([label, value]) => (
          <Col xs={12} md={6} key={label}>
            <Card size="small">
              <Statistic title={label} value={formatCompactCny(value, lang)} />
            </Card>
          </Col>
        ))}
      </Row>
      <InsightCard id={id} />
      {phone ? (
        sections.map((s) => (
          <Card key={s.key} size="small" title={s.label} style={{ marginBottom: 12 }}>
            {s.children}
          </Card>
        ))
      ) : (
        <Card size="small">
          <Tabs items={sections} destroyOnHidden />
        </Card>
      )}
      <InteractionForm id={id} open={logging} onClose={() => setLogging(false)} />
    </div>
  );
}
