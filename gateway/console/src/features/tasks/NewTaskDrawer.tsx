// 新建任务 in a drawer: title, purpose, description, priority, due time (checked to be ahead before sending), an
// optional customer (the customer search), and who does it — oneself (tasks.work), named people or every
// relationship manager of an org unit and the units below it (tasks.assign). One person is CreateTask, several or
// an org unit BatchCreateTasks; each request as composed carries one request_id, so sending it again after a lost
// answer creates nothing twice. The API's field violations show under their fields. Files (任务附件) are checked when
// chosen (size, count, extension) and uploaded once the task or tasks exist — to each task made — each failure named.
import { App, Button, DatePicker, Drawer, Form, Input, Radio, Select, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useRef, useState } from "react";

import { useIsPhone } from "@/app/Shell";
import { AttachmentPicker, type ChosenFile } from "@/components/Attachments";
import { clearServerErrors, errorText, showError } from "@/features/control/shared";
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_COUNT, formatBytes } from "@/lib/attachments";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useCreateTasks } from "./api";
import { uploadsFor, useUploadTaskFiles } from "./attachments";
import { type AssigneeKind, newTaskRequest, PRIORITIES, type Priority, requestKey } from "./logic";
import { CustomersPicker, OneOrgUnitPicker, useDueTimeRule, useUserOptions } from "./parts";

interface Values {
  title: string;
  purpose?: string;
  description?: string;
  priority: Priority;
  dueTime?: Dayjs | null;
  customers?: string[];
  assigneeKind: AssigneeKind;
  assignees?: string[];
  orgUnit?: string;
}

export function NewTaskDrawer({ open, customer, onClose }: { open: boolean; customer?: string; onClose: () => void }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const { data: me } = useMe();
  const [form] = Form.useForm<Values>();
  const create = useCreateTasks();
  const upload = useUploadTaskFiles();
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const mayWork = can(me, "tasks.work");
  const mayAssign = can(me, "tasks.assign");
  const users = useUserOptions(open && mayAssign);
  const kind = Form.useWatch("assigneeKind", form);
  const dueRule = useDueTimeRule();
  const requestIds = useRef(new Map<string, string>());
  const kinds: AssigneeKind[] = [...(mayWork ? (["self"] as const) : []), ...(mayAssign ? (["users", "orgUnit"] as const) : [])];

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setFiles([]);
    form.setFieldsValue({
      priority: "PRIORITY_NORMAL",
      assigneeKind: mayWork ? "self" : "users",
      customers: customer ? [customer] : [],
      dueTime: dayjs().add(1, "day").hour(18).minute(0).second(0).millisecond(0),
    });
  }, [open, customer, form, mayWork]);

  const submit = (v: Values) => {
    const request = newTaskRequest({ ...v, dueTime: v.dueTime!.toDate() }, me?.name ?? "");
    const key = requestKey(request);
    const requestId = requestIds.current.get(key) ?? crypto.randomUUID();
    requestIds.current.set(key, requestId);
    create.mutate(
      { ...request, requestId },
      {
        onSuccess: (made) => {
          void message.success(t("tasks.created", { count: made.length }));
          const uploads = uploadsFor(
            made,
            files.map((f) => f.file),
          );
          if (uploads.length)
            upload.mutate(uploads, {
              onSuccess: (failures) => {
                failures.forEach((f) => void message.error(t("tasks.attachmentFailed", { name: f.fileName, error: errorText(f.error, t) })));
                if (failures.length < uploads.length) void message.success(t("tasks.attachmentsUploaded", { count: uploads.length - failures.length }));
              },
            });
          onClose();
        },
        onError: (e) => showError(e, message, t, form, { prefix: "task", rename: { assignee: "assignees" } }),
      },
    );
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t("tasks.new")}
      size={phone ? "100%" : 560}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()} data-testid="task-save">
            {t("common.save")}
          </Button>
        </Space>
      }
    >
      <Form<Values> form={form} layout="vertical" onFinish={submit} onValuesChange={clearServerErrors(form)} data-testid="task-form">
        <Form.Item name="title" label={t("tasks.taskTitle")} rules={[{ required: true, whitespace: true, message: t("tasks.required") }]}>
          <Input maxLength={200} placeholder={t("tasks.titlePlaceholder")} />
        </Form.Item>
        <Form.Item name="purpose" label={t("tasks.purpose")}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="description" label={t("tasks.description")}>
          <Input.TextArea rows={4} maxLength={5000} />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="priority" label={t("tasks.priority")}>
            <Radio.Group optionType="button" options={PRIORITIES.map((p) => ({ value: p, label: enumText("taskPriority", p) }))} />
          </Form.Item>
          <Form.Item name="dueTime" label={t("tasks.dueTime")} rules={[dueRule]}>
            <DatePicker
              showTime={{ format: "HH:mm" }}
              format="YYYY-MM-DD HH:mm"
              disabledDate={(d) => d.isBefore(dayjs().startOf("day"))}
              allowClear={false}
              data-testid="task-due-picker"
            />
          </Form.Item>
        </Space>
        <Form.Item name="customers" label={t("tasks.customerOptional")} extra={t("tasks.customersHint")}>
          <CustomersPicker />
        </Form.Item>
        <Form.Item label={t("tasks.attachments")} extra={t("tasks.attachmentHint", { max: formatBytes(ATTACHMENT_MAX_BYTES), count: ATTACHMENT_MAX_COUNT })}>
          <AttachmentPicker
            added={files}
            onAdd={(chosen) => setFiles((list) => [...list, chosen])}
            onRemove={(uid) => setFiles((list) => list.filter((f) => f.uid !== uid))}
            problemText={(problem, file) =>
              t(`tasks.attachment_${problem}`, { name: file.name, max: formatBytes(ATTACHMENT_MAX_BYTES), count: ATTACHMENT_MAX_COUNT })
            }
            label={t("tasks.addAttachment")}
            testId="task-attachment-picker"
          />
        </Form.Item>
        <Form.Item name="assigneeKind" label={t("tasks.assignTo")}>
          <Radio.Group
            optionType="button"
            options={kinds.map((k) => ({ value: k, label: t(`tasks.assignTo_${k}`) }))}
            data-testid="task-assignee-kind"
          />
        </Form.Item>
        {kind === "users" ? (
          <Form.Item name="assignees" rules={[{ required: true, message: t("tasks.pickPeople") }]} extra={t("tasks.peopleHint")}>
            <Select
              mode="multiple"
              aria-label={t("tasks.pickPeople")}
              options={users.options}
              showSearch={{ optionFilterProp: "label" }}
              placeholder={t("tasks.pickPeople")}
              loading={users.loading}
              data-testid="task-assignees"
            />
          </Form.Item>
        ) : null}
        {kind === "orgUnit" ? (
          <Form.Item name="orgUnit" rules={[{ required: true, message: t("tasks.pickOrgUnit") }]} extra={t("tasks.orgUnitHint")}>
            <OneOrgUnitPicker label={t("tasks.pickOrgUnit")} placeholder={t("tasks.pickOrgUnit")} testId="task-org-unit" />
          </Form.Item>
        ) : null}
      </Form>
    </Drawer>
  );
}
