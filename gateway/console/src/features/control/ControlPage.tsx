// 控制中心: the administrator's tabs — users, org units, roles, service accounts, backups, audit, system status —
// each shown only to those holding its permission (the API checks again). The tab lives in the query string
// (`/control?tab=audit`), so a link or a reload opens the same tab.
import { Tabs } from "antd";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router-dom";

import { NoData, PageLoading } from "@/components/PageState";
import { useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import AuditTab from "./AuditTab";
import BackupsTab from "./BackupsTab";
import { chooseTab, type TabKey, visibleTabs } from "./logic";
import OrgTreeTab from "./OrgTreeTab";
import RolesTab from "./RolesTab";
import ServiceAccountsTab from "./ServiceAccountsTab";
import SystemTab from "./SystemTab";
import UsersTab from "./UsersTab";

const PANES: Record<TabKey, () => ReactNode> = {
  users: UsersTab,
  orgUnits: OrgTreeTab,
  roles: RolesTab,
  serviceAccounts: ServiceAccountsTab,
  backups: BackupsTab,
  audit: AuditTab,
  system: SystemTab,
};

export default function ControlPage() {
  const { t } = useI18n();
  const { data: me, isPending } = useMe();
  const [params, setParams] = useSearchParams();
  if (isPending) return <PageLoading />;
  const tabs = visibleTabs(me?.permissions);
  const active = chooseTab(params.get("tab"), tabs);
  if (!active) return <NoData />;
  return (
    <Tabs
      data-testid="control-page"
      activeKey={active}
      onChange={(tab) => setParams({ tab }, { replace: true })}
      items={tabs.map((key) => {
        const Pane = PANES[key];
        return { key, label: t(`control.tab.${key}`), children: <Pane /> };
      })}
    />
  );
}
