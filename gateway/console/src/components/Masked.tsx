import { PhoneOutlined } from "@ant-design/icons";
import { Tag, Tooltip } from "antd";

import { useI18n } from "@/locales/i18n";

/** A PII value as the API gave it: masked values are marked as masked; an unmasked phone number can be tapped. */
export function Pii({ value, masked, phone }: { value: string | undefined; masked?: boolean; phone?: boolean }) {
  const { t } = useI18n();
  if (!value) return <span className="kam-muted">—</span>;
  if (masked || value.includes("*")) {
    return (
      <Tooltip title={t("common.masked")}>
        <span>
          {value} <Tag bordered={false}>{t("common.masked")}</Tag>
        </span>
      </Tooltip>
    );
  }
  if (phone) {
    return (
      <a href={`tel:${value}`} aria-label={`${t("common.call")} ${value}`}>
        <PhoneOutlined /> {value}
      </a>
    );
  }
  return <span>{value}</span>;
}
