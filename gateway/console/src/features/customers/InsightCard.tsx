// 客户洞察 on the 客户360 page: what data mining says about the customer (ReportService.GetCustomerInsight) — the RFM
// segment, the churn risk with what adds to it, the product to offer next (with 为此产品发起营销 for
// `campaigns.manage`). Only for `reports.read`; a customer not yet in the analytical store (404) is a quiet empty
// state, never an error page.
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Col, Empty, Row, Skeleton, Space, Tag, Tooltip, Typography } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router-dom";

import { churnLevelTag } from "@/features/reports/logic";
import { ApiError, api, must, type Schemas } from "@/lib/api/client";
import { formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

type Insight = Schemas["kam.report.v1.CustomerInsight"];
type ChurnFactor = Schemas["kam.report.v1.ChurnFactor"];

/** A churn factor as one line: `+10 金融资产较90天前下降33%`. */
export function factorText(factor: ChurnFactor): string {
  const points = factor.points ?? 0;
  const sign = points < 0 ? "−" : "+";
  return `${sign}${Math.abs(points)} ${factor.description ?? factor.code ?? ""}`.trim();
}

/** RFM scores as read aloud: `545` → `R5 F4 M5` (anything else as it came). */
export function rfmText(scores: string | undefined): string {
  if (!scores) return "";
  return /^\d{3}$/.test(scores) ? `R${scores[0]} F${scores[1]} M${scores[2]}` : scores;
}

/** The customer's insight, or null when the analytical store does not know the customer yet (404). */
export const customerInsightQuery = (id: string) => ({
  queryKey: ["customers", `customers/${id}`, "insight"],
  queryFn: async (): Promise<Insight | null> => {
    try {
      return await must(api.GET("/v1/customers/{customer}/insight", { params: { path: { customer: id } } }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
  staleTime: 300_000,
});

export function InsightCard({ id }: { id: string }) {
  const { t, enumText } = useI18n();
  const { data: me } = useMe();
  const allowed = can(me, "reports.read");
  const insight = useQuery({ ...customerInsightQuery(id), enabled: allowed && Boolean(id) });
  if (!allowed) return null;

  const card = (body: ReactNode, extra?: ReactNode) => (
    <Card size="small" title={t("insight.title")} style={{ marginBottom: 12 }} data-testid="customer-insight">
      {body}
      {extra}
    </Card>
  );

  if (insight.isPending) return card(<Skeleton active title={false} paragraph={{ rows: 3 }} />);
  if (insight.error) {
    return card(
      <Alert
        type="warning"
        showIcon
        title={t("insight.error")}
        action={
          <Button size="small" onClick={() => void insight.refetch()}>
            {t("common.retry")}
          </Button>
        }
      />,
    );
  }
  const data = insight.data;
  if (!data) {
    return card(<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("insight.empty")} data-testid="insight-empty" />);
  }

  const { segment, churnRisk: churn, nextBestProduct: product } = data;
  const level = churnLevelTag(churn?.level);
  const rfm = rfmText(segment?.scores);
  return card(
    <Row gutter={[16, 12]}>
      <Col xs={24} md={8} data-testid="insight-segment">
        <Typography.Text type="secondary">{t("insight.segment")}</Typography.Text>
        <div>
          <Space wrap size={4}>
            {segment?.displayName ? (
              <Tooltip title={segment.description}>
                <Tag color="blue" tabIndex={segment.description ? 0 : undefined}>
                  {segment.displayName}
                </Tag>
              </Tooltip>
            ) : (
              "—"
            )}
            {rfm && <span className="kam-num">{rfm}</span>}
          </Space>
        </div>
        {segment?.explanation && <div className="kam-muted">{segment.explanation}</div>}
      </Col>
      <Col xs={24} md={8} data-testid="insight-churn">
        <Typography.Text type="secondary">{t("insight.churn")}</Typography.Text>
        <div>
          <Space wrap size={4}>
            <strong className="kam-num">{churn?.score !== undefined ? t("insight.score", { score: churn.score }) : "—"}</strong>
            {churn?.level && churn.level !== "LEVEL_UNSPECIFIED" && (
              <Tag color={level.color} style={level.style} data-testid="insight-level">
                {enumText("churnLevel", churn.level)}
              </Tag>
            )}
          </Space>
        </div>
        {churn?.factors?.length ? (
          <ul style={{ margin: "4px 0 0", paddingInlineStart: 18 }}>
            {churn.factors.map((f, i) => (
              <li key={f.code ?? i}>{factorText(f)}</li>
            ))}
          </ul>
        ) : null}
      </Col>
      <Col xs={24} md={8} data-testid="insight-product">
        {product?.displayName || product?.product ? (
          <>
            <strong>{t("insight.nextBest", { product: product.displayName || product.product || "" })}</strong>
            {product.explanation && <div className="kam-muted">{product.explanation}</div>}
            {product.product && can(me, "campaigns.manage") && (
              <Link to={`/campaigns/new?product=${encodeURIComponent(product.product)}`} data-testid="insight-campaign">
                {t("insight.startCampaign")}
              </Link>
            )}
          </>
        ) : (
          <span className="kam-muted">{t("insight.noProduct")}</span>
        )}
      </Col>
    </Row>,
    data.dataTime ? (
      <div className="kam-muted" style={{ marginTop: 8, fontSize: 12 }} data-testid="insight-data-time">
        {t("insight.dataTime", { time: formatTime(data.dataTime) })}
      </div>
    ) : null,
  );
}
