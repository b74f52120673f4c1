// Pieces the task pages share: state and priority tags, the due time with 逾期, the customer's link, a list of
// tasks (a table on a desktop, cards on a phone), the customer picker (the customer search) and one org unit
// picked on the org tree; the due-time rule and the people to pick from, for the forms.
import { useQuery } from "@tanstack/react-query";
import { Card, List, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { OrgUnitPicker } from "@/features/control/OrgUnitPicker";
import { customerQuery } from "@/features/customers/api";
import { useActiveUsers } from "@/features/notices/api";
import { useCustomerSearch } from "@/features/search/api";
import { resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { dueDisplay, dueTimeProblem, personName, PRIORITY_COLORS, priorityOf, STATE_COLORS, type Task } from "./logic";

export function TaskStateTag({ state }: { state?: string }) {
  const { enumText } = useI18n();
  return (
    <Tag color={STATE_COLORS[state ?? ""]} data-testid="task-state">
      {enumText("taskState", state)}
    </Tag>
  );
}

export function PriorityTag({ task }: { task: Pick<Task, "priority"> }) {
  const { enumText } = useI18n();
  const priority = priorityOf(task);
  return (
    <Tag color={PRIORITY_COLORS[priority]} data-testid="task-priority">
      {enumText("taskPriority", priority)}
    </Tag>
  );
}

/** YYYY-MM-DD HH:mm, red with 逾期 when overdue. */
export function DueTime({ task }: { task: Pick<Task, "overdue" | "state" | "dueTime"> }) {
  const { t } = useI18n();
  const due = dueDisplay(task);
  return (
    <span className="kam-num" data-testid="task-due">
      <Typography.Text type={due.overdue ? "danger" : undefined}>{due.text}</Typography.Text>
      {due.overdue ? (
        <Tag color="red" style={{ marginInlineStart: 6 }} data-testid="task-overdue">
          {t("tasks.overdue")}
        </Tag>
      ) : null}
    </span>
  );
}

/** The customer's 360 page, by the name the task carries (a person's masked); on the detail page (``named``) the
 * name as the customer service shows it to the caller. */
export function CustomerLink({
  customer,
  displayName,
  named = false,
}: {
  customer?: string;
  displayName?: string;
  named?: boolean;
}) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const id = resourceId(customer);
  const found = useQuery({ ...customerQuery(id), enabled: named && Boolean(id) && can(me, "customers.read") });
  if (!id) return null;
  const name = found.data?.displayName || displayName;
  const label = name ? `${name}（${id}）` : t("tasks.customerId", { id });
  return (
    <Link to={`/customers/${encodeURIComponent(id)}`} onClick={(e) => e.stopPropagation()} data-testid="task-customer">
      {label}
    </Link>
  );
}

export function TaskLink({ task }: { task: Task }) {
  return (
    <Link to={`/tasks/${resourceId(task.name)}`} data-testid="task-link">
      {task.title}
    </Link>
  );
}

/** A list of tasks: a table on a desktop, cards on a phone (a card opens the task). */
export function TaskList({
  tasks,
  loading,
  error,
  onRetry,
  show = ["assignee", "assigner"],
}: {
  tasks: readonly Task[];
  loading: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** The people shown (我的任务 shows who assigned it, 我分派的 who does it). */
  show?: ("assignee" | "assigner")[];
}) {
  const { t } = useI18n();
  const phone = useIsPhone();
  const navigate = useNavigate();
  if (error) return <PageError error={error} onRetry={onRetry} />;
  const people = (task: Task) => show.map((who) => `${t(`tasks.${who}`)}：${personName(task, who)}`).join(" · ");
  if (phone) {
    return (
      <List<Task>
        loading={loading}
        dataSource={[...tasks]}
        locale={{ emptyText: <NoData /> }}
        renderItem={(task) => (
          <Card
            key={task.name}
            size="small"
            hoverable
            style={{ marginBottom: 8 }}
            onClick={() => navigate(`/tasks/${resourceId(task.name)}`)}
            data-testid="task-card"
          >
            <Space wrap size={4}>
              <PriorityTag task={task} />
              <TaskStateTag state={task.state} />
            </Space>
            <div style={{ marginTop: 4, fontWeight: 500, wordBreak: "break-word" }}>{task.title}</div>
            <DueTime task={task} />
            <div className="kam-muted">{people(task)}</div>
            {task.customer ? <CustomerLink customer={task.customer} displayName={task.customerDisplayName} /> : null}
          </Card>
        )}
      />
    );
  }
  const columns: ColumnsType<Task> = [
    { key: "title", title: t("tasks.taskTitle"), render: (_, task) => <TaskLink task={task} /> },
    { key: "priority", title: t("tasks.priority"), width: 80, render: (_, task) => <PriorityTag task={task} /> },
    { key: "state", title: t("tasks.state"), width: 90, render: (_, task) => <TaskStateTag state={task.state} /> },
    { key: "due", title: t("tasks.dueTime"), width: 200, render: (_, task) => <DueTime task={task} /> },
    ...show.map((who) => ({
      key: who,
      title: t(`tasks.${who}`),
      width: 110,
      render: (_: unknown, task: Task) => personName(task, who),
    })),
    { key: "customer", title: t("tasks.customer"), width: 140, render: (_, task) => <CustomerLink customer={task.customer} displayName={task.customerDisplayName} /> },
  ];
  return (
    <Table<Task>
      rowKey={(task) => task.name ?? ""}
      size="small"
      loading={loading}
      columns={columns}
      dataSource={[...tasks]}
      pagination={false}
      locale={{ emptyText: <NoData /> }}
      data-testid="task-table"
    />
  );
}

/** A customer found by the customer search (name, pinyin, ID, phone…); the value is `customers/…`. */
export function CustomerPicker({ value, onChange, id }: { value?: string; onChange?: (v: string | undefined) => void; id?: string }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const [text, setText] = useState("");
  const found = useCustomerSearch(text);
  const chosenId = resourceId(value);
  const chosen = useQuery({ ...customerQuery(chosenId), enabled: Boolean(chosenId) && can(me, "customers.read") });
  const options = (found.data?.results ?? []).map((r) => ({
    value: r.customer?.name ?? "",
    label: `${r.customer?.displayName ?? ""}（${resourceId(r.customer?.name)}）`,
  }));
  if (value && !options.some((o) => o.value === value))
    options.unshift({ value, label: chosen.data?.displayName ? `${chosen.data.displayName}（${chosenId}）` : t("tasks.customerId", { id: chosenId }) });
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setText }}
      allowClear
      value={value}
      onChange={(v?: string) => onChange?.(v || undefined)}
      options={options}
      placeholder={t("tasks.customerPlaceholder")}
      loading={found.isFetching}
      notFoundContent={text.trim() && found.isFetched ? t("customer.noResults") : null}
      data-testid="task-customer-picker"
    />
  );
}

/** One org unit on the org tree (the tree picker holds several: the last one picked is kept). */
export function OneOrgUnitPicker({
  value,
  onChange,
  id,
  label,
  placeholder,
  testId,
}: {
  value?: string;
  onChange?: (v: string | undefined) => void;
  id?: string;
  label: string;
  placeholder?: string;
  testId?: string;
}) {
  return (
    <OrgUnitPicker
      id={id}
      label={label}
      placeholder={placeholder}
      testId={testId}
      value={value ? [value] : []}
      onChange={(units) => onChange?.(units.find((u) => u !== value) ?? units[0])}
    />
  );
}

/** A due-time rule for a form (the drawer's and 修改's). */
export function useDueTimeRule() {
  const { t } = useI18n();
  return {
    validator: async (_: unknown, v?: Dayjs | null) => {
      const problem = dueTimeProblem(v?.toDate());
      if (problem) throw new Error(t(`tasks.due_${problem}`));
    },
  };
}

/** Active users as a picker's options: name（username）. */
export function useUserOptions(enabled: boolean) {
  const users = useActiveUsers(enabled);
  return {
    loading: users.isLoading,
    options: (users.data ?? []).map((u) => ({ value: u.name!, label: `${u.displayName}（${u.username ?? resourceId(u.name)}）` })),
    name: (user: string | undefined) => (users.data ?? []).find((u) => u.name === user)?.displayName || resourceId(user),
  };
}

