// 自动任务 (/tasks/automation, from the 任务 page): two tabs — 周期任务 (recurring tasks) and 触发模板 (playbooks).
// Everyone with tasks.read sees what their data scope takes in; those with tasks.assign create, enable or disable
// and delete (the creator alone changes the rest). The tab and its filters live in the address
// (`?tab=playbooks&trigger=TRIGGER_MATURITY`), and `?open=<id>` opens one (a task's origin links there).
import { ArrowLeftOutlined } from "@ant-design/icons";
import { Button, Space, Tabs, Typography } from "antd";
import { useNavigate } from "react-router-dom";

import { useAddressFilters } from "@/lib/addressFilters";
import { useI18n } from "@/locales/i18n";

import { type AutomationFilters, type AutomationTab, filtersFromParams, filtersToParams } from "./logic";
import { PlaybookTab } from "./PlaybookTab";
import { RecurringTab } from "./RecurringTab";

export default function AutomationPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [filters, setFilters] = useAddressFilters(filtersFromParams, filtersToParams);
  const active: AutomationTab = filters.tab ?? "recurring";
  const change = (next: Partial<AutomationFilters>) => setFilters({ ...next, tab: active });
  return (
    <div data-testid="automation-page">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("automation.title")}
        </Typography.Title>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate("/tasks")} data-testid="automation-back">
          {t("automation.back")}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t("automation.intro")}
      </Typography.Paragraph>
      <Tabs
        activeKey={active}
        destroyOnHidden
        // another tab starts from its own defaults
        onChange={(tab) => setFilters({ tab: tab as AutomationTab, enabled: undefined, mine: false, trigger: undefined, open: undefined })}
        items={[
          {
            key: "recurring",
            label: t("automation.tabRecurring"),
            children: active === "recurring" ? <RecurringTab filters={filters} change={change} /> : null,
          },
          {
            key: "playbooks",
            label: t("automation.tabPlaybooks"),
            children: active === "playbooks" ? <PlaybookTab filters={filters} change={change} /> : null,
          },
        ]}
      />
    </div>
  );
}
