// 任务: 我的任务 (what the caller must do: open and in progress, or every state), 我分派的 (what they assigned,
// with what waits for their review — 待验收 — up front), 日历 (their tasks on a month by due date) and, for those
// who assign, 全部 (everything in their scope by state, priority, org unit). The tab and its filters live in the
// address (`?tab=all&state=STATE_OPEN`); `?new=1&customer=42` opens 新建任务 about a customer.
import { PlusOutlined, ScheduleOutlined } from "@ant-design/icons";
import { Button, Card, Checkbox, Col, Row, Select, Space, Statistic, Switch, Tabs, Typography } from "antd";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";

import { NoData, PageLoading } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { useAddressFilters } from "@/lib/addressFilters";
import { formatCount } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useAllTasks, useTaskCount, useTaskPage } from "./api";
import {
  chooseTab,
  countFilter,
  filtersFromParams,
  filtersToParams,
  PRIORITIES,
  STATES,
  type TaskFilters,
  taskFilters,
  type TasksTab,
  visibleTabs,
} from "./logic";
import { NewTaskDrawer } from "./NewTaskDrawer";
import { OneOrgUnitPicker, TaskList } from "./parts";
import { TaskCalendar } from "./TaskCalendar";

type Change = (next: Partial<TaskFilters>) => void;
type Show = ("assignee" | "assigner")[];

/** One list a page at a time (back and next by page token); a new filter is a new list from its first page. */
function PagedTasks({ filter, show }: { filter: string; show: Show }) {
  const { t, lang } = useI18n();
  const pager = usePageTokens();
  const page = useTaskPage(filter, pager.token);
  return (
    <>
      <TaskList tasks={page.data?.tasks ?? []} loading={page.isPending} error={page.error} onRetry={() => void page.refetch()} show={show} />
      <Space style={{ marginTop: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="tasks-total">
          {t("common.total", { count: formatCount(page.data?.totalSize ?? 0, lang) })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </Space>
    </>
  );
}

function MineTab({ filters, change }: { filters: TaskFilters; change: Change }) {
  const { t, lang } = useI18n();
  const lists = taskFilters({ tab: "mine", everyState: filters.everyState });
  // open and in progress: two lists (the service's filters have no OR), each whole — a person's open work is short
  const active = useAllTasks(lists, !filters.everyState);
  return (
    <div data-testid="tasks-mine">
      <Space style={{ marginBottom: 12 }}>
        <Switch
          checked={Boolean(filters.everyState)}
          onChange={(everyState) => change({ everyState })}
          aria-label={t("tasks.everyState")}
          data-testid="tasks-every-state"
        />
        <span>{t("tasks.everyState")}</span>
      </Space>
      {filters.everyState ? (
        <PagedTasks key={lists[0]} filter={lists[0]!} show={["assigner"]} />
      ) : (
        <>
          <TaskList tasks={active.data ?? []} loading={active.isPending} error={active.error} onRetry={() => void active.refetch()} show={["assigner"]} />
          <Typography.Text type="secondary" style={{ display: "block", marginTop: 8 }} data-testid="tasks-total">
            {t("common.total", { count: formatCount(active.data?.length ?? 0, lang) })}
          </Typography.Text>
        </>
      )}
    </div>
  );
}

/** A count that picks its filter when clicked (我分派的's 待验收 and 逾期). */
function CountCard(props: { title: string; filter: string; danger?: boolean; active: boolean; onPick: () => void; testId: string }) {
  const { title, filter, danger, active, onPick, testId } = props;
  const { lang } = useI18n();
  const count = useTaskCount(filter);
  const value = count.data ?? 0;
  return (
    <Card size="small" hoverable onClick={onPick} style={active ? { borderColor: "#1f4e8c" } : undefined} data-testid={testId}>
      <Statistic
        title={title}
        value={formatCount(value, lang)}
        loading={count.isPending}
        styles={{ content: { color: value > 0 ? (danger ? "#cf1322" : "#d48806") : undefined } }}
      />
    </Card>
  );
}

function AssignedTab({ filters, change }: { filters: TaskFilters; change: Change }) {
  const { t, enumText } = useI18n();
  const filter = taskFilters({ ...filters, tab: "assigned" })[0]!;
  const toReview = filters.state === "STATE_COMPLETED" && !filters.overdue;
  return (
    <div data-testid="tasks-assigned">
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <CountCard
            title={t("tasks.toReview")}
            filter={countFilter("assigner", { state: "STATE_COMPLETED" })}
            active={toReview}
            onPick={() => change({ state: "STATE_COMPLETED", overdue: false })}
            testId="tasks-to-review"
          />
        </Col>
        <Col xs={12} md={6}>
          <CountCard
            title={t("tasks.overdueCount")}
            filter={countFilter("assigner", { overdue: true })}
            danger
            active={Boolean(filters.overdue)}
            onPick={() => change({ overdue: true, state: undefined })}
            testId="tasks-assigned-overdue"
          />
        </Col>
      </Row>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t("tasks.state")}
          placeholder={t("tasks.state")}
          allowClear
          style={{ width: 130 }}
          value={filters.state}
          onChange={(state) => change({ state })}
          options={STATES.map((s) => ({ value: s, label: enumText("taskState", s) }))}
          data-testid="tasks-state-filter"
        />
        <Checkbox checked={Boolean(filters.overdue)} onChange={(e) => change({ overdue: e.target.checked })}>
          {t("tasks.onlyOverdue")}
        </Checkbox>
      </Space>
      <PagedTasks key={filter} filter={filter} show={["assignee"]} />
    </div>
  );
}

function AllTab({ filters, change }: { filters: TaskFilters; change: Change }) {
  const { t, enumText } = useI18n();
  const filter = taskFilters({ ...filters, tab: "all" })[0]!;
  return (
    <div data-testid="tasks-all">
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t("tasks.state")}
          placeholder={t("tasks.state")}
          allowClear
          style={{ width: 130 }}
          value={filters.state}
          onChange={(state) => change({ state })}
          options={STATES.map((s) => ({ value: s, label: enumText("taskState", s) }))}
        />
        <Select
          aria-label={t("tasks.priority")}
          placeholder={t("tasks.priority")}
          allowClear
          style={{ width: 110 }}
          value={filters.priority}
          onChange={(priority) => change({ priority })}
          options={PRIORITIES.map((p) => ({ value: p, label: enumText("taskPriority", p) }))}
        />
        <div style={{ width: 240 }}>
          <OneOrgUnitPicker
            label={t("tasks.orgUnit")}
            placeholder={t("tasks.orgUnit")}
            value={filters.orgUnit}
            onChange={(orgUnit) => change({ orgUnit })}
            testId="tasks-org-unit-filter"
          />
        </div>
        <Checkbox checked={Boolean(filters.overdue)} onChange={(e) => change({ overdue: e.target.checked })}>
          {t("tasks.onlyOverdue")}
        </Checkbox>
      </Space>
      <PagedTasks key={filter} filter={filter} show={["assignee", "assigner"]} />
    </div>
  );
}

const LABELS: Record<TasksTab, string> = { mine: "tasks.tabMine", assigned: "tasks.tabAssigned", calendar: "tasks.tabCalendar", all: "tasks.tabAll" };

export default function TasksPage() {
  const { t } = useI18n();
  const { data: me, isPending } = useMe();
  const [filters, setFilters] = useAddressFilters(filtersFromParams, filtersToParams);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(() => params.get("new") === "1");
  const [customer] = useState(() => {
    const id = params.get("customer")?.trim();
    return id && !id.includes("/") ? `customers/${id}` : undefined;
  });
  if (isPending) return <PageLoading />;
  const tabs = visibleTabs(me?.permissions);
  const active = chooseTab(filters.tab, tabs);
  if (!active) return <NoData />;
  const mayCreate = can(me, ["tasks.work", "tasks.assign"]);
  const change: Change = (next) => setFilters({ ...next, tab: active });
  const pane = (tab: TasksTab) => {
    switch (tab) {
      case "mine":
        return <MineTab filters={filters} change={change} />;
      case "assigned":
        return <AssignedTab filters={filters} change={change} />;
      case "calendar":
        return <TaskCalendar month={filters.month} onMonth={(month) => change({ month })} />;
      case "all":
        return <AllTab filters={filters} change={change} />;
    }
  };
  return (
    <div data-testid="tasks-page">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("tasks.title")}
        </Typography.Title>
        <Space wrap>
          {/* 自动任务: recurring tasks and playbooks (features/automation) */}
          <Button icon={<ScheduleOutlined />} onClick={() => navigate("/tasks/automation")} data-testid="task-automation">
            {t("nav.automation")}
          </Button>
          {mayCreate ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="task-new">
              {t("tasks.new")}
            </Button>
          ) : null}
        </Space>
      </Space>
      <Tabs
        activeKey={active}
        destroyOnHidden
        onChange={(tab) =>
          // another tab starts from its own defaults (the calendar keeps its month)
          setFilters({ tab: tab as TasksTab, everyState: false, state: undefined, priority: undefined, orgUnit: undefined, overdue: false })
        }
        items={tabs.map((key) => ({ key, label: t(LABELS[key]), children: key === active ? pane(key) : null }))}
      />
      {mayCreate ? <NewTaskDrawer open={creating} customer={customer} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
