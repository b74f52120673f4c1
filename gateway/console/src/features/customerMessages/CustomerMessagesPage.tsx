// 客户消息: 模板 (who may read templates), 群发 and 群发记录 (who may send to customers) — each tab shown only
// to those holding its permission (the API checks again). The tab lives in the address (`?tab=bulletin`).
import { Tabs, Typography } from "antd";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router-dom";

import { NoData, PageLoading } from "@/components/PageState";
import { useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import BulletinsTab from "./BulletinsTab";
import BulletinTab from "./BulletinTab";
import { chooseTab, type MessagesTab, visibleTabs } from "./tabs";
import TemplatesTab from "./TemplatesTab";

const PANES: Record<MessagesTab, () => ReactNode> = { templates: TemplatesTab, bulletin: BulletinTab, bulletins: BulletinsTab };
const LABELS: Record<MessagesTab, string> = {
  templates: "customerMessages.tabTemplates",
  bulletin: "customerMessages.tabBulletin",
  bulletins: "customerMessages.tabBulletins",
};

export default function CustomerMessagesPage() {
  const { t } = useI18n();
  const { data: me, isPending } = useMe();
  const [params, setParams] = useSearchParams();
  if (isPending) return <PageLoading />;
  const tabs = visibleTabs(me?.permissions);
  const active = chooseTab(params.get("tab"), tabs);
  if (!active) return <NoData />;
  return (
    <div data-testid="customer-messages-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t("customerMessages.title")}
      </Typography.Title>
      <Tabs
        activeKey={active}
        onChange={(tab) => setParams({ tab }, { replace: true })}
        items={tabs.map((key) => {
          const Pane = PANES[key];
          return { key, label: t(LABELS[key]), children: <Pane /> };
        })}
      />
    </div>
  );
}
