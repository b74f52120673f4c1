// 搜索 on the phone: the same search as the header's, results as cards.
import { SearchOutlined } from "@ant-design/icons";
import { Card, Input, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router-dom";

import { Money } from "@/components/Money";
import { useTierNames } from "@/features/customers/api";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useCustomerSearch } from "./api";

export default function SearchPage() {
  const { t, enumText } = useI18n();
  const navigate = useNavigate();
  const tiers = useTierNames();
  const [text, setText] = useState("");
  const found = useCustomerSearch(text, 30);
  const results = text.trim() ? (found.data?.results ?? []) : [];
  return (
    <div>
      <Input
        size="large"
        autoFocus
        prefix={<SearchOutlined />}
        placeholder={t("customer.searchPlaceholder")}
        aria-label={t("nav.search")}
        value={text}
        onChange={(e) => setText(e.target.value)}
        allowClear
        data-testid="search-page-input"
      />
      <Typography.Paragraph type="secondary" style={{ margin: "8px 0" }}>
        {text.trim() && found.isFetched ? t("customer.results", { count: results.length }) : ""}
      </Typography.Paragraph>
      <div className="kam-card-list">
        {results.map((r) => (
          <Card key={r.customer?.name} size="small" hoverable onClick={() => navigate(`/customers/${resourceId(r.customer?.name)}`)} data-testid="search-result">
            <Space style={{ justifyContent: "space-between", width: "100%" }}>
              <Typography.Text strong>{r.customer?.displayName}</Typography.Text>
              <Tag>{tiers.name(r.customer?.tier)}</Tag>
            </Space>
            <div className="kam-muted">
              {enumText("customerType", r.customer?.type)} · {r.customer?.branchDisplayName}
            </div>
            <Money value={r.customer?.metrics?.assetsUnderManagement} />
          </Card>
        ))}
      </div>
    </div>
  );
}
