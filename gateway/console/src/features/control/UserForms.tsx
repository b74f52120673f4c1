// The users tab's dialogs: create a user, change one (PATCH with the changed fields as update mask and the etag),
// reset a password. The API's field violations show under the fields.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Form, Input, Modal, Select, Switch } from "antd";
import { useEffect } from "react";

import { ApiError, api, must, type User } from "@/lib/api/client";
import { resourceId } from "@/lib/format";
import { FormModal } from "@/components/FormModal";
import { NewPasswordFields } from "@/components/NewPasswordFields";
import { useI18n } from "@/locales/i18n";

import type { OrgUnit, Role } from "./api";
import { clearServerErrors, showError } from "./shared";

interface Pickers {
  orgUnits: OrgUnit[];
  roles: Role[];
}

function useOptions({ orgUnits, roles }: Pickers) {
  return {
    orgOptions: orgUnits.map((o) => ({ value: o.name!, label: `${o.displayName} (${resourceId(o.name)})` })),
    roleOptions: roles.map((r) => ({ value: r.name!, label: r.displayName || resourceId(r.name) })),
  };
}

interface CreateValues {
  username: string;
  displayName: string;
  orgUnit: string;
  roles: string[];
  staffCode?: string;
  phone?: string;
  email?: string;
  initialPassword: string;
}

/** What creating and editing a user share: org unit (required), roles, staff code, phone, e-mail. */
function UserFields(pickers: Pickers) {
  const { t } = useI18n();
  const { orgOptions, roleOptions } = useOptions(pickers);
  return (
    <>
      <Form.Item
        name="orgUnit"
        label={t("control.users.orgUnit")}
        rules={[{ required: true, message: t("auth.required", { field: t("control.users.orgUnit") }) }]}
      >
        <Select showSearch={{ optionFilterProp: "label" }} options={orgOptions} />
      </Form.Item>
      <Form.Item name="roles" label={t("control.users.roles")}>
        <Select mode="multiple" options={roleOptions} showSearch={{ optionFilterProp: "label" }} />
      </Form.Item>
      <Form.Item name="staffCode" label={t("control.users.staffCode")}>
        <Input maxLength={32} />
      </Form.Item>
      <Form.Item name="phone" label={t("control.users.phone")}>
        <Input maxLength={20} />
      </Form.Item>
      <Form.Item name="email" label={t("control.users.email")}>
        <Input maxLength={200} />
      </Form.Item>
    </>
  );
}

export function CreateUserModal({ open, onClose, ...pickers }: Pickers & { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<CreateValues>();
  const required = (field: string) => [{ required: true, message: t("auth.required", { field }) }];
  const create = useMutation({
    mutationFn: ({ initialPassword, ...user }: CreateValues) =>
      // the API takes the initial password as a query parameter (CreateUserRequest.initial_password)
      must(api.POST("/v1/users", { params: { query: { initialPassword } }, body: { ...user, roles: user.roles ?? [] } })),
    onSuccess: async (user) => {
      void message.success(t("control.users.created", { name: user.displayName }));
      form.resetFields();
      onClose();
      await client.invalidateQueries({ queryKey: ["users"] });
    },
    onError: (error) => {
      // the username (or staff code) is taken: say so under the username
      if (error instanceof ApiError && error.code === "ALREADY_EXISTS") form.setFields([{ name: "username", errors: [error.message] }]);
      else showError(error, message, t, form, { prefix: "user", rename: { userId: "username" } });
    },
  });
  return (
    <FormModal open={open} title={t("control.users.create")} form={form} busy={create.isPending} onClose={onClose}>
      <Form<CreateValues> form={form} name="createUser" onValuesChange={clearServerErrors(form)} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ roles: [] }}>
        <Form.Item name="username" label={t("control.users.username")} rules={required(t("control.users.username"))} extra={t("control.users.usernameHint")}>
          <Input autoComplete="off" maxLength={32} />
        </Form.Item>
        <Form.Item name="displayName" label={t("control.users.displayName")} rules={required(t("control.users.displayName"))}>
          <Input maxLength={100} />
        </Form.Item>
        <UserFields {...pickers} />
        <Form.Item name="initialPassword" label={t("control.users.initialPassword")} rules={required(t("control.users.initialPassword"))} extra={t("control.users.passwordHint")}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

const EDITABLE = ["displayName", "orgUnit", "roles", "staffCode", "phone", "email", "keepKamChanges"] as const;
type Editable = (typeof EDITABLE)[number];
type EditValues = Pick<User, Editable>;

/** The fields whose value differs from the user's (roles compared as sets). */
export function changedUserFields(user: User, values: EditValues): Editable[] {
  const same = (a: unknown, b: unknown) =>
    Array.isArray(a) || Array.isArray(b)
      ? [...((a as string[]) ?? [])].sort().join(",") === [...((b as string[]) ?? [])].sort().join(",")
      : (a ?? "") === (b ?? "") || (typeof a === "boolean" && Boolean(a) === Boolean(b));
  return EDITABLE.filter((k) => !same(user[k] ?? (k === "keepKamChanges" ? false : undefined), values[k]));
}

export function EditUserModal({ user, onClose, ...pickers }: Pickers & { user?: User; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<EditValues>();
  useEffect(() => {
    if (user) form.setFieldsValue({ ...Object.fromEntries(EDITABLE.map((k) => [k, user[k]])), keepKamChanges: Boolean(user.keepKamChanges) });
  }, [user, form]);
  const save = useMutation({
    mutationFn: async (values: EditValues) => {
      const mask = changedUserFields(user!, values);
      if (!mask.length) return null;
      return must(
        api.PATCH("/v1/users/{user}", {
          params: { path: { user: resourceId(user!.name) }, query: { updateMask: mask.join(",") } },
          body: { ...values, name: user!.name, username: user!.username, etag: user!.etag },
        }),
      );
    },
    onSuccess: async (saved) => {
      if (saved) void message.success(t("control.saved"));
      onClose();
      await client.invalidateQueries({ queryKey: ["users"] });
    },
    onError: (error) => showError(error, message, t, form, { prefix: "user" }),
  });
  return (
    <Modal
      open={Boolean(user)}
      title={t("control.users.edit", { name: user?.displayName ?? "" })}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      <Form<EditValues> form={form} name="editUser" onValuesChange={clearServerErrors(form)} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Form.Item name="displayName" label={t("control.users.displayName")} rules={[{ required: true, message: t("auth.required", { field: t("control.users.displayName") }) }]}>
          <Input maxLength={100} />
        </Form.Item>
        <UserFields {...pickers} />
        <Form.Item name="keepKamChanges" label={t("control.keepKamChanges")} valuePropName="checked" extra={t("control.keepKamChangesHint")}>
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface ResetValues {
  newPassword: string;
  confirm: string;
}

export function ResetPasswordModal({ user, onClose }: { user?: User; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<ResetValues>();
  const reset = useMutation({
    mutationFn: ({ newPassword }: ResetValues) =>
      must(api.POST("/v1/users/{user}:resetPassword", { params: { path: { user: resourceId(user!.name) } }, body: { name: user!.name!, newPassword } })),
    onSuccess: async () => {
      void message.success(t("control.users.passwordReset", { name: user?.displayName ?? "" }));
      form.resetFields();
      onClose();
      await client.invalidateQueries({ queryKey: ["users"] });
    },
    onError: (error) => showError(error, message, t, form),
  });
  return (
    <Modal
      open={Boolean(user)}
      title={t("control.users.resetPasswordOf", { name: user?.displayName ?? "" })}
      okText={t("control.users.resetPassword")}
      okButtonProps={{ danger: true }}
      cancelText={t("common.cancel")}
      confirmLoading={reset.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        form.resetFields();
        onClose();
      }}
      forceRender
    >
      <p className="kam-muted">{t("control.users.resetPasswordHint")}</p>
      <Form<ResetValues> form={form} name="resetPassword" onValuesChange={clearServerErrors(form)} layout="vertical" onFinish={(v) => reset.mutate(v)}>
        <NewPasswordFields hint={t("control.users.passwordHint")} />
      </Form>
    </Modal>
  );
}
