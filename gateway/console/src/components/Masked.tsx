import { PhoneOutlined } from "@ant-design/icons";
import { Button, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";

import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

/** The permission that lets a user show personal data unmasked (audited by the customer service). */
export const PII_PERMISSION = "customers.pii.read";

/**
 * A PII value as the API gave it: masked values are marked as masked; an unmasked phone number can be tapped.
 *
 * The console reads personal data masked (`piiView=PII_VIEW_MASKED`, nothing audited). With `unmask` — a read of
 * the one resource with `piiView=PII_VIEW_UNMASKED`, which the customer service records — a user holding
 * `customers.pii.read` gets a 显示 button next to a masked value; the shown value lives in this component's state
 * only (no query cache, no offline copy) and says that the view was recorded.
 */
export function Pii({
  value,
  masked,
  phone,
  unmask,
}: {
  value: string | undefined;
  masked?: boolean;
  phone?: boolean;
  unmask?: () => Promise<string | undefined>;
}) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const [shown, setShown] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();

  const plain = (v: string) =>
    phone ? (
      <a href={`tel:${v}`} aria-label={`${t("common.call")} ${v}`}>
        <PhoneOutlined /> {v}
      </a>
    ) : (
      <span>{v}</span>
    );

  if (shown !== undefined) {
    return (
      <span data-testid="pii-shown">
        {plain(shown)}{" "}
        <Tag variant="filled" color="gold">
          {t("common.viewRecorded")}
        </Tag>
      </span>
    );
  }
  if (!value) return <span className="kam-muted">—</span>;
  if (masked || value.includes("*")) {
    const show = async () => {
      if (!unmask) return;
      setLoading(true);
      setError(undefined);
      try {
        setShown((await unmask()) ?? "");
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    };
    return (
      <span>
        <Tooltip title={t("common.masked")}>
          <span>
            {value} <Tag variant="filled">{t("common.masked")}</Tag>
          </span>
        </Tooltip>
        {unmask && can(me, PII_PERMISSION) ? (
          <Tooltip title={t("common.showHint")}>
            <Button type="link" size="small" loading={loading} onClick={(event) => {
                event.stopPropagation(); // not the row's click (an account row opens its balance history)
                void show();
              }} aria-label={`${t("common.show")} ${value}`}>
              {t("common.show")}
            </Button>
          </Tooltip>
        ) : null}
        {error ? (
          <Typography.Text type="danger" role="alert">
            {t("common.showFailed", { message: error })}
          </Typography.Text>
        ) : null}
      </span>
    );
  }
  return plain(value);
}
