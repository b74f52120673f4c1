// Pieces the task pages share: state and priority tags, the due time with 逾期, the customer's link, a list of
// tasks (a table on a desktop, cards on a phone), the customer picker (the customer search) and one org unit
// picked on the org tree; the due-time rule and the people to pick from, for the forms.
import { useQuery } from "@tanstack/react-query";
import { Card, List, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import type { Dayjs } from "dayjs";
import { type ReactNode, useRef, useState } from "react";
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

import { customersOf, dueDisplay, dueTimeProblem, MAX_CUSTOMERS, personName, PRIORITY_COLORS, priorityOf, STATE_COLORS, type Task } from "./logic";

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

/** Every customer a task concerns, the main one first (only the main one has its name on the task; ``named``
 * asks the customer service for each). */
export function TaskCustomers({ task, named = false }: { task: Task; named?: boolean }) {
  const customers = customersOf(task);
  if (!customers.length) return null;
  return (
    <Space wrap size={[8, 0]} data-testid="task-customers">
      {customers.map((c) => (
        <CustomerLink key={c} customer={c} displayName={c === task.customer ? task.customerDisplayName : undefined} named={named} />
      ))}
    </Space>
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
            <TaskCustomers task={task} />
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
    { key: "customer", title: t("tasks.customer"), width: 140, render: (_, task) => <TaskCustomers task={task} /> },
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

/** A chosen customer's name as the customer service shows it to the caller (its id until known). */
function ChosenCustomer({ customer }: { customer: string }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const id = resourceId(customer);
  const chosen = useQuery({ ...customerQuery(id), enabled: Boolean(id) && can(me, "customers.read") });
  return <>{chosen.data?.displayName ? `${chosen.data.displayName}（${id}）` : t("tasks.customerId", { id })}</>;
}

/** Several customers found by the customer search, the main one first; the value is `customers/…` names. Names
 * seen in the search stay on the chosen tags when the search moves on. */
export function CustomersPicker({ value, onChange, id }: { value?: string[]; onChange?: (v: string[]) => void; id?: string }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const found = useCustomerSearch(text);
  const seen = useRef(new Map<string, string>());
  const options = (found.data?.results ?? []).map((r) => ({
    value: r.customer?.name ?? "",
    label: `${r.customer?.displayName ?? ""}（${resourceId(r.customer?.name)}）`,
  }));
  for (const o of options) seen.current.set(o.value, o.label);
  const shown: { value: string; label: ReactNode }[] = options;
  for (const v of [...(value ?? [])].reverse())
    if (!options.some((o) => o.value === v)) shown.unshift({ value: v, label: seen.current.get(v) ?? <ChosenCustomer customer={v} /> });
  return (
    <Select
      id={id}
      mode="multiple"
      showSearch={{ filterOption: false, onSearch: setText }}
      allowClear
      value={value ?? []}
      onChange={(v: string[]) => onChange?.(v.slice(0, MAX_CUSTOMERS))}
      options={shown}
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

