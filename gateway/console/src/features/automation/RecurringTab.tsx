// 周期任务: the recurring tasks the caller sees (theirs, and those of the people in their data scope), newest
// first, filtered by enabled and "mine"; each with its schedule in words, who gets the tasks, how long they have,
// the next and the last run (how many tasks it made, and a warning when some could not be given: 客户经理未知,
// 未生成任务), its creator, an enabled switch (the creator or a superior: tasks.assign), 修改 (the creator) or 查看,
// and 删除. `?open=<id>` opens one (a task's origin links here).
import { PlusOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { App, Button, Checkbox, Select, Space, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { useState } from "react";

import { Pager, usePageTokens } from "@/features/control/shared";
import { formatCount, formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { recurringTaskQuery, toggled, useChangeRecurring, useRecurringTasks } from "./api";
import { type AutomationFilters, mayEdit, rangeText, type RecurringTask, recurringFilter, scheduleText, spanText, whoText } from "./logic";
import { EnabledSwitch, isStale, ItemList, RowActions, useNames } from "./parts";
import { RecurringDrawer } from "./RecurringDrawer";

type Change = (next: Partial<AutomationFilters>) => void;
type Shown = { item?: RecurringTask; readOnly: boolean } | null;

/** The last run: when, how many tasks, and a warning when some could not be given. */
function LastRun({ item }: { item: RecurringTask }) {
  const { t } = useI18n();
  if (!item.lastRunTime) return <Typography.Text type="secondary">{t("automation.notYet")}</Typography.Text>;
  const missed = item.lastRunUnassignedCount ?? 0;
  return (
    <span data-testid="recurring-last-run">
      <span className="kam-num">{formatTime(item.lastRunTime)}</span>
      <Typography.Text type="secondary" style={{ marginInlineStart: 6 }}>
        {t("automation.madeTasks", { count: item.lastRunTaskCount ?? 0 })}
      </Typography.Text>
      {missed > 0 ? (
        <Tooltip title={t(item.customerSegment ? "automation.unassignedCustomersHint" : "automation.unassignedPeopleHint")}>
          <Tag color="warning" style={{ marginInlineStart: 6 }} data-testid="recurring-unassigned">
            {t(item.customerSegment ? "automation.unassignedCustomers" : "automation.unassignedPeople", { count: missed })}
          </Tag>
        </Tooltip>
      ) : null}
    </span>
  );
}

export function RecurringTab({ filters, change }: { filters: AutomationFilters; change: Change }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const names = useNames();
  const pager = usePageTokens();
  const filter = recurringFilter(filters);
  const [listed, setListed] = useState(filter);
  if (listed !== filter) {
    // a new filter is a new list from its first page
    setListed(filter);
    pager.reset();
  }
  const page = useRecurringTasks(filter, pager.token);
  const changeItem = useChangeRecurring();
  const [shown, setShown] = useState<Shown>(null);
  const opened = useQuery({ ...recurringTaskQuery(filters.open ?? ""), enabled: Boolean(filters.open) });
  const assigns = can(me, "tasks.assign");

  const toggle = (item: RecurringTask, enabled: boolean) =>
    changeItem.mutate(
      { action: "update", recurringTask: toggled(item, enabled), mask: ["enabled"] },
      {
        onSuccess: () => void message.success(t(enabled ? "automation.turnedOn" : "automation.turnedOff")),
        onError: (e) => void (isStale(e) ? message.warning(t("automation.stale")) : message.error(e.message)),
      },
    );
  const remove = (item: RecurringTask) =>
    changeItem.mutateAsync(
      { action: "delete", recurringTask: item },
      {
        onSuccess: () => void message.success(t("automation.deleted")),
        onError: (e) => void (isStale(e) ? message.warning(t("automation.stale")) : message.error(e.message)),
      },
    );
  const open = (item: RecurringTask) => setShown({ item, readOnly: !mayEdit(item, me) });
  const close = () => {
    setShown(null);
    if (filters.open) change({ open: undefined });
  };
  // the one the address names, once read
  const fromAddress = filters.open && opened.data ? { item: opened.data, readOnly: !mayEdit(opened.data, me) } : null;
  const drawer = shown ?? fromAddress;
  const busy = (item: RecurringTask) => changeItem.isPending && changeItem.variables?.recurringTask.name === item.name;

  const title = (item: RecurringTask) => (
    <Typography.Link onClick={() => open(item)} data-testid="recurring-title">
      {item.task?.title}
    </Typography.Link>
  );
  const schedule = (item: RecurringTask) => (
    <span data-testid="recurring-schedule">
      {scheduleText(item.schedule, t)}
      <div className="kam-muted">{rangeText(item.schedule, t)}</div>
    </span>
  );
  const enabled = (item: RecurringTask) => (
    <EnabledSwitch checked={Boolean(item.enabled)} disabled={!assigns} loading={busy(item)} onChange={(v) => toggle(item, v)} testId="recurring-enabled-switch" />
  );
  const actions = (item: RecurringTask) => <RowActions edit={mayEdit(item, me)} remove={assigns} onOpen={() => open(item)} onDelete={() => remove(item)} />;
  const next = (item: RecurringTask) => (item.nextRunTime ? <span className="kam-num">{formatTime(item.nextRunTime)}</span> : <Typography.Text type="secondary">—</Typography.Text>);

  const columns: ColumnsType<RecurringTask> = [
    { key: "title", title: t("automation.taskTitle"), render: (_, item) => title(item) },
    { key: "schedule", title: t("automation.scheduleLabel"), render: (_, item) => schedule(item) },
    { key: "who", title: t("automation.whom"), render: (_, item) => <span data-testid="recurring-who">{whoText(item, names, t)}</span> },
    { key: "dueAfter", title: t("automation.dueAfter"), width: 100, render: (_, item) => spanText(item.dueAfter, t) },
    { key: "next", title: t("automation.nextRun"), width: 150, render: (_, item) => next(item) },
    { key: "last", title: t("automation.lastRun"), render: (_, item) => <LastRun item={item} /> },
    { key: "creator", title: t("automation.creator"), width: 100, render: (_, item) => item.creatorDisplayName || names.user(item.creator ?? "") },
    { key: "enabled", title: t("automation.enabled"), width: 90, render: (_, item) => enabled(item) },
    { key: "actions", title: t("automation.actions"), width: 120, render: (_, item) => actions(item) },
  ];

  return (
    <div data-testid="recurring-tab">
      <Space wrap style={{ marginBottom: 12, width: "100%", justifyContent: "space-between" }}>
        <Space wrap>
          <Select
            aria-label={t("automation.state")}
            style={{ width: 120 }}
            value={filters.enabled === undefined ? "" : String(filters.enabled)}
            onChange={(v: string) => change({ enabled: v === "" ? undefined : v === "true" })}
            options={[
              { value: "", label: t("automation.anyState") },
              { value: "true", label: t("automation.on") },
              { value: "false", label: t("automation.off") },
            ]}
            data-testid="recurring-enabled-filter"
          />
          <Checkbox checked={Boolean(filters.mine)} onChange={(e) => change({ mine: e.target.checked })} data-testid="recurring-mine">
            {t("automation.onlyMine")}
          </Checkbox>
        </Space>
        {assigns ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setShown({ readOnly: false })} data-testid="recurring-new">
            {t("automation.newRecurring")}
          </Button>
        ) : null}
      </Space>
      <ItemList<RecurringTask>
        items={page.data?.recurringTasks ?? []}
        loading={page.isPending}
        error={page.error}
        onRetry={() => void page.refetch()}
        columns={columns}
        testId="recurring"
        card={(item) => ({
          title: title(item),
          lines: [
            [t("automation.scheduleLabel"), schedule(item)],
            [t("automation.whom"), whoText(item, names, t)],
            [t("automation.dueAfter"), spanText(item.dueAfter, t)],
            [t("automation.nextRun"), next(item)],
            [t("automation.lastRun"), <LastRun key="last" item={item} />],
            [t("automation.creator"), item.creatorDisplayName || names.user(item.creator ?? "")],
          ],
          footer: (
            <>
              {enabled(item)}
              {actions(item)}
            </>
          ),
        })}
      />
      <Space style={{ marginTop: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="recurring-total">
          {t("common.total", { count: formatCount(page.data?.totalSize ?? 0, lang) })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </Space>
      {opened.error && filters.open ? (
        <Typography.Text type="danger" style={{ display: "block" }} data-testid="recurring-open-error">
          {opened.error.message}
        </Typography.Text>
      ) : null}
      <RecurringDrawer open={Boolean(drawer)} item={drawer?.item} readOnly={drawer?.readOnly} onClose={close} />
    </div>
  );
}
