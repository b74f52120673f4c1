// 预警详情: what fired and why (evidence, the transactions behind it), the customer one click away, the history of
// the alert (raised, reminded, acknowledged, snoozed, escalated, stopped or resolved — who, when, why) with its
// comments, and the actions its state allows.
import { ArrowLeftOutlined } from "@ant-design/icons";
import { Button, Card, Col, Descriptions, Input, List, Row, Space, Table, Timeline, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { PageError, PageLoading } from "@/components/PageState";
import { errorText } from "@/features/control/shared";
import { formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { Money } from "@/components/Money";
import { customerQuery } from "@/features/customers/api";
import type { Schemas } from "@/lib/api/client";

import { useAddComment, useAlert, useAlertComments, useAlertRuleNames, useAlertTransactions } from "./api";
import { type AlertAction, allowed, timeline, transactionParts } from "./logic";

type Transaction = Schemas["kam.customer.v1.Transaction"];
type TransactionRow = Transaction | { name: string; missing: true };
import { SeverityTag, StateTag } from "./parts";
import { useAlertActions } from "./useAlertActions";

const ACTIONS: AlertAction[] = ["acknowledge", "snooze", "stop", "resolve"];

export default function AlertDetailPage() {
  const { id = "" } = useParams();
  const { t, enumText } = useI18n();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const alert = useAlert(id);
  const comments = useAlertComments(id);
  const rules = useAlertRuleNames(can(me, "alert_rules.read"));
  const actions = useAlertActions();
  const addComment = useAddComment(id);
  const customerId = resourceId(alert.data?.customer);
  const mayReadCustomers = can(me, "customers.read");
  const customer = useQuery({ ...customerQuery(customerId), enabled: Boolean(customerId) && mayReadCustomers });
  const transactions = useAlertTransactions(alert.data, mayReadCustomers);
  const [draft, setDraft] = useState("");
  const [commentError, setCommentError] = useState("");

  if (alert.isPending) return <PageLoading />;
  if (alert.error) return <PageError error={alert.error} onRetry={() => void alert.refetch()} />;
  const a = alert.data;
  const history = timeline(a, comments.data?.comments ?? []);
  const found = (x: TransactionRow): x is Transaction => !("missing" in x);

  return (
    <div data-testid="alert-detail">
      <Space style={{ marginBottom: 8 }}>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate("/alerts")}>
          {t("alerts.back")}
        </Button>
      </Space>
      <Card
        size="small"
        title={
          <Space wrap>
            <SeverityTag severity={a.severity} />
            <StateTag state={a.state} />
            <span data-testid="alert-title">{a.title}</span>
          </Space>
        }
      >
        {can(me, "alerts.handle") ? (
          <Space wrap style={{ marginBottom: 12 }}>
            {ACTIONS.filter((action) => allowed(a.state, action)).map((action) => (
              <Button
                key={action}
                type={action === "acknowledge" ? "primary" : "default"}
                loading={actions.busy && action === "acknowledge"}
                onClick={() => actions.start(action, [a])}
                data-testid={`alert-${action}`}
              >
                {t(`alerts.${action}`)}
              </Button>
            ))}
          </Space>
        ) : null}
        <Descriptions size="small" column={phone ? 1 : 2} bordered>
          {a.customer ? (
            <Descriptions.Item label={t("alerts.customer")}>
              <Link to={`/customers/${customerId}`} data-testid="alert-customer">
                {customer.data?.displayName ? `${customer.data.displayName}（${customerId}）` : customerId}
              </Link>
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t("alerts.rule")}>
            {rules.name(a.rule)}（{t("alerts.ruleVersion")} {a.ruleVersion ?? 1}）
          </Descriptions.Item>
          <Descriptions.Item label={t("alerts.eventTime")}>{formatTime(a.eventTime)}</Descriptions.Item>
          <Descriptions.Item label={t("alerts.createTime")}>{formatTime(a.createTime)}</Descriptions.Item>
          <Descriptions.Item label={t("alerts.occurrences")}>{a.occurrenceCount ?? 1}</Descriptions.Item>
          <Descriptions.Item label={t("alerts.notifyCount")}>{a.notifyCount ?? 0}</Descriptions.Item>
          {a.nextNotifyTime ? <Descriptions.Item label={t("alerts.nextNotify")}>{formatTime(a.nextNotifyTime)}</Descriptions.Item> : null}
          {a.snoozeExpireTime && a.state === "STATE_SNOOZED" ? (
            <Descriptions.Item label={t("alerts.snoozedUntil")}>{formatTime(a.snoozeExpireTime)}</Descriptions.Item>
          ) : null}
          {a.silenceExpireTime ? <Descriptions.Item label={t("alerts.silencedUntil")}>{formatTime(a.silenceExpireTime)}</Descriptions.Item> : null}
          <Descriptions.Item label={t("alerts.recipients")}>{(a.recipients ?? []).map(resourceId).join("、")}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t("alerts.evidence")}>
            <Descriptions size="small" column={1} data-testid="alert-evidence">
              {(a.evidence ?? []).map((e) => (
                <Descriptions.Item key={e.key} label={e.key}>
                  <span className="kam-num">{e.value}</span>
                </Descriptions.Item>
              ))}
            </Descriptions>
          </Card>
          {a.transactions?.length ? (
            <Card size="small" title={t("alerts.transactions")} style={{ marginTop: 12 }}>
              <Table<TransactionRow>
                size="small"
                rowKey={(x) => x.name ?? ""}
                loading={transactions.isPending && transactions.fetchStatus !== "idle"}
                pagination={a.transactions.length > 10 ? { pageSize: 10 } : false}
                dataSource={transactions.data ?? a.transactions.map((name) => ({ name, missing: true as const }))}
                scroll={{ x: 560 }}
                data-testid="alert-transactions"
                columns={[
                  { key: "time", title: t("alerts.txTime"), render: (_, x) => (found(x) ? formatTime(x.postTime) : "") },
                  {
                    key: "amount",
                    title: t("alerts.txAmount"),
                    align: "right",
                    render: (_, x) => (found(x) ? <Money value={x.amount} sign={x.direction === "DIRECTION_DEBIT" ? "-" : "+"} /> : ""),
                  },
                  { key: "channel", title: t("alerts.txChannel"), render: (_, x) => (found(x) ? enumText("channel", x.channel) : "") },
                  { key: "summary", title: t("alerts.txSummary"), render: (_, x) => (found(x) ? x.summary : "") },
                  { key: "account", title: t("alerts.account"), render: (_, x) => transactionParts(x.name ?? "").account },
                  { key: "transaction", title: t("alerts.transaction"), render: (_, x) => transactionParts(x.name ?? "").transaction },
                ]}
              />
            </Card>
          ) : null}
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t("alerts.history")}>
            <Timeline
              data-testid="alert-history"
              items={history.map((e) => ({
                key: `${e.kind}|${e.time}|${e.text ?? ""}`,
                color: e.kind === "resolved" ? "green" : e.kind === "raised" ? "red" : "blue",
                content: (
                  <div>
                    <Typography.Text strong>{t(`alerts.timeline.${e.kind}`, { text: e.kind === "snoozed" ? formatTime(e.text) : (e.text ?? "") })}</Typography.Text>
                    <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                      {formatTime(e.time)}
                      {e.who ? ` · ${resourceId(e.who)}` : ""}
                    </Typography.Text>
                    {e.text && (e.kind === "comment" || e.kind === "resolved" || e.kind === "stopped") ? <div>{e.text}</div> : null}
                  </div>
                ),
              }))}
            />
          </Card>
          <Card size="small" title={t("alerts.comments")} style={{ marginTop: 12 }}>
            <List
              size="small"
              dataSource={comments.data?.comments ?? []}
              locale={{ emptyText: " " }}
              renderItem={(c) => (
                <List.Item key={c.name} data-testid="alert-comment">
                  <List.Item.Meta title={`${resourceId(c.author)} · ${formatTime(c.createTime)}`} description={c.text} />
                </List.Item>
              )}
            />
            <Space.Compact style={{ width: "100%", marginTop: 8 }}>
              <Input
                value={draft}
                maxLength={2000}
                placeholder={t("alerts.commentPlaceholder")}
                status={commentError ? "error" : undefined}
                onChange={(e) => {
                  setDraft(e.target.value);
                  setCommentError("");
                }}
                onPressEnter={() => draft.trim() && addComment.mutate(draft.trim(), { onSuccess: () => setDraft(""), onError: (e) => setCommentError(errorText(e, t)) })}
                data-testid="alert-comment-input"
              />
              <Button
                type="primary"
                disabled={!draft.trim()}
                loading={addComment.isPending}
                onClick={() => addComment.mutate(draft.trim(), { onSuccess: () => setDraft(""), onError: (e) => setCommentError(errorText(e, t)) })}
                data-testid="alert-comment-add"
              >
                {t("alerts.addComment")}
              </Button>
            </Space.Compact>
            {commentError ? <Typography.Text type="danger">{commentError}</Typography.Text> : null}
          </Card>
        </Col>
      </Row>
      {actions.dialog}
    </div>
  );
}
