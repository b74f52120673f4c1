// The 360 page's related lists, each loading its own part of the customer when shown.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Descriptions, Form, Input, List, Select, Space, Table, Tag, Timeline, Typography } from "antd";
import { useMemo, useState } from "react";
import { Link } from "react-router-dom";

import { type ChartOption, LazyChart as Chart } from "@/components/LazyChart";
import { Pii } from "@/components/Masked";
import { Money } from "@/components/Money";
import { TierTag } from "@/components/TierTag";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import { ApiError, api, must, type Schemas } from "@/lib/api/client";
import { violationsByField } from "@/lib/api/violations";
import { formatDate, formatTime, moneyValue, resourceId } from "@/lib/format";
import { FormModal } from "@/components/FormModal";
import { useDeliveries } from "@/features/customerMessages/api";
import { DeliveryStateTag } from "@/features/customerMessages/parts";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { timelineEntries } from "./timeline";
import { MASKED, unmaskedAccount, unmaskedContact, useCustomerTier, useTierHistory, useTierNames } from "./api";

type Account = Schemas["kam.customer.v1.Account"];
type Transaction = Schemas["kam.customer.v1.Transaction"];
type Contact = Schemas["kam.customer.v1.Contact"];

const path = (id: string) => ({ params: { path: { customer: id } } });

export function TierPanel({ id }: { id: string }) {
  const { t, enumText } = useI18n();
  const tiers = useTierNames();
  const tier = useCustomerTier(id);
  const history = useTierHistory(id);
  if (tier.isPending) return <PageLoading />;
  if (tier.error) return <PageError error={tier.error} />;
  const a = tier.data.assignment;
  return (
    <div data-testid="tier-panel">
      {a?.explanation && (
        <Alert
          type="info"
          title={`${t("c360.why")}：${a.explanation}`}
          description={a.ruleSetVersion ? t("c360.ruleSetVersion", { version: a.ruleSetVersion }) : undefined}
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 12 }}>
        {t("c360.history")}
      </Typography.Title>
      <Timeline
        items={(history.data?.tierAssignments ?? []).map((h) => ({
          key: h.name,
          content: (
            <Space wrap>
              <span className="kam-num">{formatTime(h.assignTime)}</span>
              <Tag>{tiers.name(h.previousTier)}</Tag>→<TierTag graded={Boolean(h.tier)}>{tiers.name(h.tier)}</TierTag>
              <span className="kam-muted">{enumText("tierReason", h.reason)}</span>
            </Space>
          ),
        }))}
      />
    </div>
  );
}

function BalanceHistory({ account }: { account: Account }) {
  const { t } = useI18n();
  const [customer, , accountId] = account.name?.split("/").slice(1) ?? [];
  const detail = useQuery({
    queryKey: ["customers", `customers/${customer}`, "account", accountId],
    queryFn: () =>
      must(api.GET("/v1/customers/{customer}/accounts/{account}", { params: { path: { customer, account: accountId }, query: { piiView: MASKED } } })),
  });
  const option = useMemo<ChartOption>(() => {
    const points = detail.data?.balanceHistory ?? [];
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 64, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: points.map((p) => formatDate(p.date)) },
      yAxis: { type: "value" },
      series: [{ type: "line", data: points.map((p) => moneyValue(p.balance)), areaStyle: {}, smooth: true }],
    };
  }, [detail.data]);
  if (detail.isPending) return <PageLoading />;
  if (!detail.data?.balanceHistory?.length) return <NoData />;
  return <Chart option={option} label={t("c360.balanceHistory")} height={220} />;
}

export function AccountsTab({ id }: { id: string }) {
  const { t, enumText } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const accounts = useQuery({
    queryKey: ["customers", `customers/${id}`, "accounts"],
    queryFn: () => must(api.GET("/v1/customers/{customer}/accounts", { params: { path: { customer: id }, query: { pageSize: 100, piiView: MASKED } } })),
  });
  if (accounts.error) return <PageError error={accounts.error} />;
  const rows = accounts.data?.accounts ?? [];
  return (
    <>
      <Table<Account>
        rowKey="name"
        size="small"
        loading={accounts.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: <NoData /> }}
        onRow={(a) => ({ onClick: () => setOpen(a.name ?? null), style: { cursor: "pointer" } })}
        columns={[
          { key: "product", title: t("c360.product"), render: (_, a) => a.productDisplayName },
          { key: "number", title: t("c360.accountNumber"), render: (_, a) => <Pii value={a.accountNumber} masked={a.masked} unmask={async () => (await unmaskedAccount(a.name!)).accountNumber} /> },
          { key: "type", title: t("customer.type"), render: (_, a) => enumText("accountType", a.type) },
          { key: "state", title: t("customer.state"), render: (_, a) => enumText("accountState", a.state) },
          { key: "balance", title: t("c360.balance"), align: "right", render: (_, a) => <Money value={a.balance} /> },
          { key: "open", title: t("c360.openDate"), render: (_, a) => formatDate(a.openDate) },
          { key: "maturity", title: t("c360.maturity"), render: (_, a) => formatDate(a.maturityDate) },
        ]}
      />
      {open && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t("c360.balanceHistory")} · {rows.find((a) => a.name === open)?.productDisplayName}
          </Typography.Title>
          <BalanceHistory account={rows.find((a) => a.name === open)!} />
        </>
      )}
    </>
  );
}

export function TransactionsTab({ id }: { id: string }) {
  const { t, enumText } = useI18n();
  const accounts = useQuery({
    queryKey: ["customers", `customers/${id}`, "accounts"],
    queryFn: () => must(api.GET("/v1/customers/{customer}/accounts", { params: { path: { customer: id }, query: { pageSize: 100, piiView: MASKED } } })),
  });
  const [chosen, setChosen] = useState<string | undefined>();
  const [direction, setDirection] = useState<string | undefined>();
  const [tokens, setTokens] = useState<string[]>([""]);
  const account = chosen ?? accounts.data?.accounts?.[0]?.name;
  const accountId = resourceId(account);
  const page = useQuery({
    queryKey: ["customers", `customers/${id}`, "transactions", accountId, direction, tokens.at(-1)],
    enabled: Boolean(accountId),
    queryFn: () =>
      must(
        api.GET("/v1/customers/{customer}/accounts/{account}/transactions", {
          params: {
            path: { customer: id, account: accountId },
            query: {
              pageSize: 20,
              pageToken: tokens.at(-1) || undefined,
              filter: direction ? `direction = ${direction}` : undefined,
              piiView: MASKED,
            },
          },
        }),
      ),
  });
  if (accounts.isPending) return <PageLoading />;
  if (!accounts.data?.accounts?.length) return <NoData />;
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t("c360.accountNumber")}
          style={{ minWidth: 260 }}
          value={account}
          onChange={(v) => {
            setChosen(v);
            setTokens([""]);
          }}
          options={(accounts.data.accounts ?? []).map((a) => ({ value: a.name, label: `${a.productDisplayName} ${a.accountNumber ?? ""}` }))}
        />
        <Select
          aria-label={t("c360.direction")}
          placeholder={t("c360.direction")}
          allowClear
          style={{ width: 120 }}
          value={direction}
          onChange={(v) => {
            setDirection(v);
            setTokens([""]);
          }}
          options={["DIRECTION_CREDIT", "DIRECTION_DEBIT"].map((v) => ({ value: v, label: enumText("direction", v) }))}
        />
      </Space>
      {page.error ? (
        <PageError error={page.error} />
      ) : (
        <Table<Transaction>
          rowKey="name"
          size="small"
          loading={page.isPending}
          dataSource={page.data?.transactions ?? []}
          scroll={{ x: 720 }}
          locale={{ emptyText: <NoData /> }}
          pagination={false}
          columns={[
            { key: "time", title: t("c360.time"), render: (_, x) => formatTime(x.postTime) },
            {
              key: "amount",
              title: t("c360.amount"),
              align: "right",
              render: (_, x) => <Money value={x.amount} sign={x.direction === "DIRECTION_DEBIT" ? "-" : "+"} />,
            },
            { key: "balance", title: t("c360.balance"), align: "right", render: (_, x) => <Money value={x.balanceAfter} /> },
            { key: "channel", title: t("c360.channel"), render: (_, x) => enumText("channel", x.channel) },
            { key: "counterparty", title: t("c360.counterparty"), render: (_, x) => x.counterparty },
            { key: "summary", title: t("c360.summary"), render: (_, x) => x.summary },
          ]}
        />
      )}
      <Space style={{ marginTop: 8 }}>
        <a onClick={() => tokens.length > 1 && setTokens(tokens.slice(0, -1))} aria-disabled={tokens.length <= 1}>
          ‹ {t("common.back")}
        </a>
        {page.data?.nextPageToken && <a onClick={() => setTokens([...tokens, page.data.nextPageToken!])}>{t("common.more")} ›</a>}
      </Space>
    </>
  );
}

export function ContactsTab({ id }: { id: string }) {
  const { t, enumText } = useI18n();
  const contacts = useQuery({
    queryKey: ["customers", `customers/${id}`, "contacts"],
    queryFn: () => must(api.GET("/v1/customers/{customer}/contacts", { params: { path: { customer: id }, query: { pageSize: 100, piiView: MASKED } } })),
  });
  if (contacts.error) return <PageError error={contacts.error} />;
  return (
    <List<Contact>
      loading={contacts.isPending}
      dataSource={contacts.data?.contacts ?? []}
      locale={{ emptyText: <NoData /> }}
      renderItem={(c) => (
        <List.Item key={c.name}>
          <List.Item.Meta
            title={
              <Space>
                {c.displayName}
                {c.primary && <Tag color="blue">{t("c360.primary")}</Tag>}
                <span className="kam-muted">{c.title}</span>
              </Space>
            }
            description={
              <Space wrap>
                <Pii value={c.phone} masked={c.masked} phone unmask={async () => (await unmaskedContact(c.name!)).phone} />
                <Pii value={c.email} masked={c.masked} unmask={async () => (await unmaskedContact(c.name!)).email} />
                <span className="kam-muted">{enumText("contactOrigin", c.origin)}</span>
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );
}

export function StructureTab({ id }: { id: string }) {
  const { t } = useI18n();
  const structure = useQuery({
    queryKey: ["customers", `customers/${id}`, "structure"],
    queryFn: () => must(api.GET("/v1/customers/{customer}/corporateStructure", path(id))),
  });
  if (structure.isPending) return <PageLoading />;
  if (structure.error) return <PageError error={structure.error} />;
  const { parents = [], subsidiaries = [] } = structure.data;
  const member = (m: Schemas["kam.customer.v1.GroupMember"]) => (
    <List.Item key={m.customer}>
      {m.restricted ? <span>{m.displayName}</span> : <Link to={`/customers/${resourceId(m.customer)}`}>{m.displayName}</Link>}
      {m.shareholdingPercent && <Tag>{t("c360.share", { percent: `${m.shareholdingPercent}%` })}</Tag>}
    </List.Item>
  );
  if (!parents.length && !subsidiaries.length) return <NoData />;
  return (
    <Descriptions column={1} size="small" bordered>
      <Descriptions.Item label={t("c360.parents")}>
        <List size="small" dataSource={parents} renderItem={member} locale={{ emptyText: t("common.none") }} />
      </Descriptions.Item>
      <Descriptions.Item label={t("c360.subsidiaries")}>
        <List size="small" dataSource={subsidiaries} renderItem={member} locale={{ emptyText: t("common.none") }} />
      </Descriptions.Item>
    </Descriptions>
  );
}

export function CreditTab({ id }: { id: string }) {
  const { t } = useI18n();
  const credit = useQuery({
    queryKey: ["customers", `customers/${id}`, "credit"],
    queryFn: () => must(api.GET("/v1/customers/{customer}/creditStanding", path(id))),
  });
  if (credit.isPending) return <PageLoading />;
  if (credit.error) return credit.error instanceof ApiError && credit.error.status === 404 ? <NoData /> : <PageError error={credit.error} />;
  const c = credit.data;
  return (
    <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
      <Descriptions.Item label={t("c360.score")}>{c.score}</Descriptions.Item>
      <Descriptions.Item label={t("c360.rating")}>{c.rating}</Descriptions.Item>
      <Descriptions.Item label={t("c360.creditLimit")}>
        <Money value={c.creditLimit} />
      </Descriptions.Item>
      <Descriptions.Item label={t("c360.creditUsed")}>
        <Money value={c.creditUsed} />
      </Descriptions.Item>
      <Descriptions.Item label={t("c360.assessTime")}>{formatTime(c.assessTime)}</Descriptions.Item>
      <Descriptions.Item label={t("c360.factors")} span={2}>
        {(c.factors ?? []).join("；")}
      </Descriptions.Item>
    </Descriptions>
  );
}

export function InteractionsTab({ id }: { id: string }) {
  const { t, enumText } = useI18n();
  const { data: me } = useMe();
  const list = useQuery({
    queryKey: ["customers", `customers/${id}`, "interactions"],
    queryFn: () =>
      must(api.GET("/v1/customers/{customer}/interactions", { params: { path: { customer: id }, query: { pageSize: 50 } } })),
  });
  // the messages the bank sent them, for those who may read deliveries (their own customers' at least)
  const sent = useDeliveries({ recipient: `customers/${id}` }, "", 50, can(me, "deliveries.read"));
  if (list.isPending) return <PageLoading />;
  if (list.error) return <PageError error={list.error} />;
  const entries = timelineEntries(list.data.interactions ?? [], sent.data?.deliveries ?? []);
  if (!entries.length) return <NoData />;
  return (
    <Timeline
      data-testid="interactions"
      items={entries.map((e) => ({
        key: e.key,
        content:
          e.kind === "interaction" ? (
            <>
              <Space wrap>
                <span className="kam-num">{formatTime(e.time)}</span>
                <Tag>{enumText("interactionType", e.interaction.type)}</Tag>
                <Typography.Text strong>{e.interaction.summary}</Typography.Text>
              </Space>
              {e.interaction.details && <div className="kam-muted">{e.interaction.details}</div>}
            </>
          ) : (
            <div data-testid="timeline-message">
              <Space wrap>
                <span className="kam-num">{formatTime(e.time)}</span>
                <Tag color="blue">{t("c360.messageSent", { channel: enumText("noticeChannel", e.delivery.channel) })}</Tag>
                <DeliveryStateTag state={e.delivery.state} />
              </Space>
              <div className="kam-muted">{e.delivery.renderedBody}</div>
              {e.delivery.suppressReason && <div className="kam-muted">{e.delivery.suppressReason}</div>}
            </div>
          ),
      }))}
    />
  );
}

interface InteractionValues {
  type: Schemas["kam.customer.v1.Interaction"]["type"];
  summary: string;
  details?: string;
}

export function InteractionForm({ id, open, onClose }: { id: string; open: boolean; onClose: () => void }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<InteractionValues>();
  const create = useMutation({
    mutationFn: (values: InteractionValues) =>
      must(
        api.POST("/v1/customers/{customer}/interactions", {
          params: { path: { customer: id }, query: { requestId: crypto.randomUUID() } },
          body: { ...values, occurTime: new Date().toISOString() },
        }),
      ),
    onSuccess: async () => {
      void message.success(t("c360.logged"));
      form.resetFields();
      onClose();
      await client.invalidateQueries({ queryKey: ["customers", `customers/${id}`, "interactions"] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.violations.length) {
        form.setFields(violationsByField(error.violations).map(({ name, errors }) => ({ name: name as keyof InteractionValues, errors })));
      } else {
        void message.error(error instanceof Error ? error.message : String(error));
      }
    },
  });
  return (
    <FormModal open={open} title={t("c360.logInteraction")} form={form} busy={create.isPending} onClose={onClose}>
      <Form<InteractionValues> form={form} layout="vertical" initialValues={{ type: "TYPE_VISIT" }} onFinish={(v) => create.mutate(v)}>
        <Form.Item name="type" label={t("c360.interactionType")}>
          <Select
            options={(["TYPE_VISIT", "TYPE_CALL", "TYPE_MEETING", "TYPE_MESSAGE", "TYPE_REQUEST", "TYPE_NOTE"] as const).map((v) => ({
              value: v,
              label: enumText("interactionType", v),
            }))}
          />
        </Form.Item>
        <Form.Item name="summary" label={t("c360.interactionSummary")} rules={[{ required: true, message: t("auth.required", { field: t("c360.interactionSummary") }) }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="details" label={t("c360.interactionDetails")}>
          <Input.TextArea rows={4} maxLength={2000} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
