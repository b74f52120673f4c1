// The header's search box: Ctrl+K (or ⌘K) focuses it, results appear as you type, Enter or a click opens the 360.
import { SearchOutlined } from "@ant-design/icons";
import { AutoComplete, Input, Tag } from "antd";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";

import { useTierNames } from "@/features/customers/api";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useCustomerSearch } from "./api";

export function SearchBox() {
  const { t, enumText } = useI18n();
  const navigate = useNavigate();
  const tiers = useTierNames();
  const [text, setText] = useState("");
  const input = useRef<{ focus: () => void } | null>(null);
  const found = useCustomerSearch(text);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const options = text.trim()
    ? (found.data?.results ?? []).map((r) => ({
        value: r.customer?.name ?? "",
        label: (
          <div data-testid="search-option" style={{ display: "flex", justifyContent: "space-between", gap: 8 }}>
            <span>
              {r.customer?.displayName} <span className="kam-muted">{enumText("customerType", r.customer?.type)}</span>
            </span>
            <Tag>{tiers.name(r.customer?.tier)}</Tag>
          </div>
        ),
      }))
    : [];

  return (
    <AutoComplete
      className="kam-search"
      value={text}
      options={options}
      onChange={setText}
      onSelect={(name: string) => {
        setText("");
        navigate(`/customers/${resourceId(name)}`);
      }}
      notFoundContent={text.trim() && found.isFetched ? t("customer.noResults") : null}
    >
      <Input
        ref={(el) => {
          input.current = el;
        }}
        prefix={<SearchOutlined />}
        placeholder={t("customer.searchPlaceholder")}
        aria-label={t("nav.search")}
        allowClear
        data-testid="search-input"
      />
    </AutoComplete>
  );
}
