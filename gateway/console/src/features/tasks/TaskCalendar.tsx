// 日历: the caller's tasks on a month by due date (the bank's day), overdue ones in red, closed ones muted. A
// desktop shows the titles in the days; a phone the small month with a count per day and the chosen day's tasks
// below it as cards. The month lives in the address (`?tab=calendar&month=2026-06`).
import { Badge, Calendar, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { Link } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { PageError } from "@/components/PageState";
import { formatDay, resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useAllTasks } from "./api";
import { ACTIVE_STATES, isOverdue, type Task, taskFilters, tasksByDay } from "./logic";
import { TaskList } from "./parts";

/** How many titles a day's cell shows before "+N". */
const PER_DAY = 3;

function TaskEntry({ task }: { task: Task }) {
  const overdue = isOverdue(task);
  const closed = !ACTIVE_STATES.includes(task.state ?? "STATE_UNSPECIFIED");
  return (
    <li style={{ listStyle: "none", whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis" }}>
      <Link to={`/tasks/${resourceId(task.name)}`} onClick={(e) => e.stopPropagation()} data-testid={overdue ? "calendar-task-overdue" : "calendar-task"}>
        <Typography.Text type={overdue ? "danger" : closed ? "secondary" : undefined} delete={task.state === "STATE_CANCELLED"} style={{ fontSize: 12 }}>
          {task.title}
        </Typography.Text>
      </Link>
    </li>
  );
}

export function TaskCalendar({ month, onMonth }: { month?: string; onMonth: (month: string) => void }) {
  const { t } = useI18n();
  const phone = useIsPhone();
  const shown = month ?? formatDay(new Date().toISOString()).slice(0, 7);
  const [selected, setSelected] = useState<Dayjs>(() => (dayjs().format("YYYY-MM") === shown ? dayjs() : dayjs(`${shown}-01`)));
  const tasks = useAllTasks(taskFilters({ tab: "calendar", month: shown }));
  const byDay = tasksByDay(tasks.data ?? []);

  const cell = (date: Dayjs) => {
    const day = byDay.get(date.format("YYYY-MM-DD")) ?? [];
    if (!day.length) return null;
    if (phone) {
      const late = day.some((task) => isOverdue(task));
      return <Badge count={day.length} size="small" color={late ? "#cf1322" : "#1f4e8c"} />;
    }
    return (
      <ul style={{ margin: 0, padding: 0 }}>
        {day.slice(0, PER_DAY).map((task) => (
          <TaskEntry key={task.name} task={task} />
        ))}
        {day.length > PER_DAY ? (
          <li style={{ listStyle: "none" }} className="kam-muted">
            {t("tasks.moreOnDay", { count: day.length - PER_DAY })}
          </li>
        ) : null}
      </ul>
    );
  };

  return (
    <div data-testid="tasks-calendar">
      {tasks.error ? <PageError error={tasks.error} onRetry={() => void tasks.refetch()} /> : null}
      <Calendar
        fullscreen={!phone}
        value={selected}
        onChange={(date) => {
          setSelected(date);
          if (date.format("YYYY-MM") !== shown) onMonth(date.format("YYYY-MM"));
        }}
        cellRender={(date, info) => (info.type === "date" ? cell(date) : null)}
      />
      {phone ? (
        <div style={{ marginTop: 12 }} data-testid="calendar-day">
          <Typography.Text strong>{selected.format("YYYY-MM-DD")}</Typography.Text>
          <TaskList tasks={byDay.get(selected.format("YYYY-MM-DD")) ?? []} loading={tasks.isPending} show={["assigner"]} />
        </div>
      ) : null}
    </div>
  );
}
