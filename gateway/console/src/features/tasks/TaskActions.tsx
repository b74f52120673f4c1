// The actions a task's detail offers the caller (logic.taskActions: by who they are to the task and its state):
// 开始 at once; 完成 (处理方式, 工作内容, 完成时间 not in the future, and for a task about a customer an optional
// entry on the customer's timeline), 验收 (an optional remark), 退回 and 取消任务 (a reason), 修改 (title, purpose,
// description, priority, due time, reassignment, the customer) in dialogs. Every change carries the etag the page
// read: when someone else changed the task meanwhile (ABORTED) the page says so and shows the task as it is now.
import { useQueryClient } from "@tanstack/react-query";
import { App, AutoComplete, Button, DatePicker, Form, type FormInstance, Input, Modal, Radio, Select, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useRef, useState } from "react";

import { FormModal } from "@/components/FormModal";
import { clearServerErrors, showError } from "@/features/control/shared";
import { ApiError } from "@/lib/api/client";
import { useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { type TaskChange, useChangeTask } from "./api";
import {
  completeTimeProblem,
  completionOf,
  customersOf,
  HANDLING_CHOICES,
  type InteractionType,
  LOGGED_AS,
  priorityOf,
  PRIORITIES,
  type Priority,
  type Task,
  type TaskAction,
  taskActions,
  taskUpdate,
} from "./logic";
import { CustomersPicker, useDueTimeRule, useUserOptions } from "./parts";

type Dialog = Exclude<TaskAction, "start"> | null;

interface CompleteForm {
  handling: string;
  content: string;
  completeTime: Dayjs;
  interactionType?: InteractionType;
}

interface EditForm {
  title: string;
  purpose?: string;
  description?: string;
  priority: Priority;
  dueTime: Dayjs;
  assignee: string;
  customers?: string[];
}

function CompleteDialog({ task, open, busy, onClose, onSubmit }: DialogProps<CompleteForm>) {
  const { t, enumText } = useI18n();
  const [form] = Form.useForm<CompleteForm>();
  const openedAt = useRef(new Date());
  useEffect(() => {
    if (!open) return;
    openedAt.current = new Date();
    form.resetFields();
    form.setFieldsValue({ completeTime: dayjs(openedAt.current) });
  }, [open, form]);
  return (
    <Modal
      open={open}
      title={t("tasks.action_complete")}
      okText={t("tasks.action_complete")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      <Form<CompleteForm>
        form={form}
        layout="vertical"
        onValuesChange={clearServerErrors(form)}
        onFinish={(v) => onSubmit(v, form, { action: "complete", completion: completionOf({ ...v, completeTime: v.completeTime.toDate() }, task, openedAt.current) })}
        data-testid="task-complete-form"
      >
        <Form.Item name="handling" label={t("tasks.handling")} rules={[{ required: true, whitespace: true, message: t("tasks.required") }]}>
          <AutoComplete
            options={HANDLING_CHOICES.map((c) => ({ value: t(`tasks.handlingChoice.${c}`) }))}
            placeholder={t("tasks.handlingPlaceholder")}
            maxLength={200}
            data-testid="task-handling"
          />
        </Form.Item>
        <Form.Item name="content" label={t("tasks.content")} rules={[{ required: true, whitespace: true, message: t("tasks.required") }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="task-content" />
        </Form.Item>
        <Form.Item
          name="completeTime"
          label={t("tasks.completeTime")}
          rules={[
            {
              validator: async (_, v?: Dayjs | null) => {
                const problem = completeTimeProblem(v?.toDate());
                if (problem) throw new Error(t(`tasks.complete_${problem}`));
              },
            },
          ]}
        >
          <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" allowClear={false} disabledDate={(d) => d.isAfter(dayjs().endOf("day"))} />
        </Form.Item>
        {task.customer ? (
          <Form.Item name="interactionType" label={t("tasks.logOnTimeline")} extra={t("tasks.logOnTimelineHint")}>
            <Select
              allowClear
              placeholder={t("tasks.notLogged")}
              options={LOGGED_AS.map((v) => ({ value: v, label: enumText("interactionType", v) }))}
              data-testid="task-interaction-type"
            />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

/** 验收 (an optional remark), 退回 and 取消任务 (a reason each). */
function ReasonDialog({ action, open, busy, onClose, onSubmit }: DialogProps<{ text?: string }> & { action: "accept" | "return" | "cancel" }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ text?: string }>();
  // the request's field, so the API's violation on it lands under the box
  const field = { accept: "comment", return: "reason", cancel: "cancelReason" }[action];
  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);
  const build = (text: string): TaskChange =>
    action === "accept" ? { action, comment: text || undefined } : { action, reason: text };
  return (
    <Modal
      open={open}
      title={t(`tasks.action_${action}`)}
      okText={t(`tasks.action_${action}`)}
      okButtonProps={{ danger: action !== "accept" }}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      <Form
        form={form}
        layout="vertical"
        onValuesChange={clearServerErrors(form)}
        onFinish={(v: Record<string, string | undefined>) => onSubmit(v, form, build((v[field] ?? "").trim()))}
      >
        <Form.Item
          name={field}
          label={t(`tasks.reason_${action}`)}
          rules={action === "accept" ? [] : [{ required: true, whitespace: true, message: t("tasks.reasonRequired") }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid={`task-${action}-reason`} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EditDialog({ task, open, busy, onClose, onSubmit }: DialogProps<EditForm>) {
  const { t, enumText } = useI18n();
  const [form] = Form.useForm<EditForm>();
  const users = useUserOptions(open);
  const dueRule = useDueTimeRule();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({
      title: task.title,
      purpose: task.purpose,
      description: task.description,
      priority: priorityOf(task),
      dueTime: dayjs(task.dueTime),
      assignee: task.assignee,
      customers: customersOf(task),
    });
  }, [open, form, task]);
  const options = users.options.some((o) => o.value === task.assignee)
    ? users.options
    : [{ value: task.assignee, label: task.assigneeDisplayName || task.assignee }, ...users.options];
  return (
    <FormModal open={open} title={t("tasks.action_edit")} form={form} busy={busy} onClose={onClose}>
      <Form<EditForm>
        form={form}
        layout="vertical"
        onValuesChange={clearServerErrors(form)}
        onFinish={(v) => {
          const update = taskUpdate(task, { ...v, dueTime: v.dueTime.toDate() });
          if (!update.mask.length) return onClose();
          onSubmit(v, form, { action: "edit", ...update });
        }}
        data-testid="task-edit-form"
      >
        <Form.Item name="title" label={t("tasks.taskTitle")} rules={[{ required: true, whitespace: true, message: t("tasks.required") }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="purpose" label={t("tasks.purpose")}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="description" label={t("tasks.description")}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        <Form.Item name="priority" label={t("tasks.priority")}>
          <Radio.Group optionType="button" options={PRIORITIES.map((p) => ({ value: p, label: enumText("taskPriority", p) }))} />
        </Form.Item>
        <Form.Item
          name="dueTime"
          label={t("tasks.dueTime")}
          // an unchanged due time may already have passed (an overdue task being reassigned): only a new one is checked
          rules={[{ validator: (rule, v?: Dayjs) => (v && dayjs(task.dueTime).isSame(v, "minute") ? Promise.resolve() : dueRule.validator(rule, v)) }]}
        >
          <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" allowClear={false} />
        </Form.Item>
        <Form.Item name="customers" label={t("tasks.customerOptional")} extra={t("tasks.customersHint")}>
          <CustomersPicker />
        </Form.Item>
        <Form.Item name="assignee" label={t("tasks.assignee")} extra={t("tasks.reassignHint")}>
          <Select showSearch={{ optionFilterProp: "label" }} options={options} loading={users.loading} data-testid="task-reassign" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

interface DialogProps<V> {
  task: Task;
  open: boolean;
  busy: boolean;
  onClose: () => void;
  onSubmit: (values: V, form: FormInstance, change: TaskChange) => void;
}

export function TaskActions({ task }: { task: Task }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const { data: me } = useMe();
  const change = useChangeTask(task);
  const [dialog, setDialog] = useState<Dialog>(null);
  const actions = taskActions(task, me);

  const run = (next: TaskChange, form?: FormInstance, prefix?: string) =>
    change.mutate(next, {
      onSuccess: () => {
        void message.success(t(`tasks.done_${next.action}`));
        setDialog(null);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.code === "ABORTED") {
          // someone else changed it: show the task as it is now, and say why the change was not made
          void message.warning(t("tasks.stale"));
          setDialog(null);
          void client.invalidateQueries({ queryKey: ["tasks", task.name] });
          return;
        }
        showError(error, message, t, form, { prefix });
      },
    });
  const submit = (prefix?: string) => (_: unknown, form: FormInstance, next: TaskChange) => run(next, form, prefix);
  const props = { task, busy: change.isPending, onClose: () => setDialog(null) };

  if (!actions.length) return null;
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }} data-testid="task-actions">
        {actions.map((action) => (
          <Button
            key={action}
            type={action === "start" || action === "complete" || action === "accept" ? "primary" : "default"}
            danger={action === "return" || action === "cancel"}
            loading={action === "start" && change.isPending}
            onClick={() => (action === "start" ? run({ action: "start" }) : setDialog(action))}
            data-testid={`task-${action}`}
          >
            {t(`tasks.action_${action}`)}
          </Button>
        ))}
      </Space>
      {actions.includes("complete") ? <CompleteDialog {...props} open={dialog === "complete"} onSubmit={submit("completion")} /> : null}
      {actions.includes("accept") ? <ReasonDialog {...props} action="accept" open={dialog === "accept"} onSubmit={submit()} /> : null}
      {actions.includes("return") ? <ReasonDialog {...props} action="return" open={dialog === "return"} onSubmit={submit()} /> : null}
      {actions.includes("cancel") ? <ReasonDialog {...props} action="cancel" open={dialog === "cancel"} onSubmit={submit()} /> : null}
      {actions.includes("edit") ? <EditDialog {...props} open={dialog === "edit"} onSubmit={submit("task")} /> : null}
    </>
  );
}
