// 角色与权限: every permission (rows) against every role (columns); with `roles.manage`: create a role (optionally
// copying another's permissions), change a custom role's name, data scope and permissions, delete a custom role.
// Built-in roles cannot be changed (the API refuses): copy them instead.
import { CheckOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";

import { NoData, PageError, PageLoading } from "@/components/PageState";
import { api, must } from "@/lib/api/client";
import { resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { type Permission, type Role, usePermissions, useRoles } from "./api";
import { clearServerErrors, showError, useControlEnum } from "./shared";

const SCOPES = ["DATA_SCOPE_OWN", "DATA_SCOPE_ORG_UNIT", "DATA_SCOPE_ORG_UNIT_TREE", "DATA_SCOPE_ALL"] as const;
type Scope = (typeof SCOPES)[number];

interface RoleValues {
  roleId?: string;
  displayName: string;
  dataScope: Scope;
  permissions: string[];
}

type Editing = { mode: "create"; from?: Role } | { mode: "edit"; role: Role };

function usePermissionText() {
  const { lang } = useI18n();
  return (p: Permission) => (lang === "en-US" ? p.descriptionEn : p.description) || resourceId(p.name);
}

function RoleModal({ editing, permissions, roles, onClose }: { editing?: Editing; permissions: Permission[]; roles: Role[]; onClose: () => void }) {
  const { t } = useI18n();
  const ce = useControlEnum();
  const text = usePermissionText();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<RoleValues>();
  const role = editing?.mode === "edit" ? editing.role : undefined;
  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    const source = editing.mode === "edit" ? editing.role : editing.from;
    if (source)
      form.setFieldsValue({
        displayName: editing.mode === "edit" ? source.displayName : t("control.roles.copyOf", { name: source.displayName }),
        dataScope: source.dataScope as Scope,
        permissions: source.permissions ?? [],
      });
  }, [editing, form, t]);
  const save = useMutation({
    mutationFn: ({ roleId, ...values }: RoleValues) =>
      role
        ? must(
            api.PATCH("/v1/roles/{role}", {
              params: { path: { role: resourceId(role.name) }, query: { updateMask: "displayName,dataScope,permissions" } },
              body: { ...values, name: role.name, etag: role.etag },
            }),
          )
        : must(api.POST("/v1/roles", { params: { query: { roleId } }, body: values })),
    onSuccess: async () => {
      void message.success(t(role ? "control.saved" : "control.roles.created"));
      onClose();
      await client.invalidateQueries({ queryKey: ["roles"] });
    },
    onError: (error) => showError(error, message, t, form, { prefix: "role" }),
  });
  const required = (field: string) => [{ required: true, message: t("auth.required", { field }) }];
  return (
    <Modal
      open={Boolean(editing)}
      title={role ? t("control.roles.editRole", { name: role.displayName }) : t("control.roles.create")}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={720}
      forceRender
    >
      <Form<RoleValues> form={form} name="role" onValuesChange={clearServerErrors(form)} layout="vertical" onFinish={(v) => save.mutate(v)} initialValues={{ dataScope: "DATA_SCOPE_OWN", permissions: [] }}>
        {!role && (
          <>
            <Form.Item name="roleId" label={t("control.roles.id")} rules={required(t("control.roles.id"))} extra={t("control.roles.idHint")}>
              <Input maxLength={63} />
            </Form.Item>
            <Form.Item label={t("control.roles.copyFrom")}>
              <Select
                aria-label={t("control.roles.copyFrom")}
                allowClear
                options={roles.map((r) => ({ value: r.name!, label: r.displayName }))}
                onChange={(name) => {
                  const from = roles.find((r) => r.name === name);
                  if (from) form.setFieldsValue({ dataScope: from.dataScope as Scope, permissions: from.permissions ?? [] });
                }}
              />
            </Form.Item>
          </>
        )}
        <Form.Item name="displayName" label={t("control.roles.name")} rules={required(t("control.roles.name"))}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="dataScope" label={t("control.roles.dataScope")} rules={required(t("control.roles.dataScope"))}>
          <Select options={SCOPES.map((s) => ({ value: s, label: ce("dataScope", s) }))} />
        </Form.Item>
        <Form.Item name="permissions" label={t("control.roles.permissions")}>
          <Checkbox.Group style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(300px, 1fr))", gap: 4, maxHeight: 360, overflow: "auto" }}>
            {permissions
              .filter((p) => !p.serviceOnly)
              .map((p) => (
                <Checkbox key={p.name} value={resourceId(p.name)}>
                  {text(p)} <span className="kam-muted">{resourceId(p.name)}</span>
                </Checkbox>
              ))}
          </Checkbox.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function RolesTab() {
  const { t } = useI18n();
  const ce = useControlEnum();
  const text = usePermissionText();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const manage = can(me, "roles.manage");
  const client = useQueryClient();
  const roles = useRoles();
  const permissions = usePermissions();
  const [editing, setEditing] = useState<Editing>();
  const remove = useMutation({
    mutationFn: (role: Role) => must(api.DELETE("/v1/roles/{role}", { params: { path: { role: resourceId(role.name) }, query: { etag: role.etag } } })),
    onSuccess: async () => {
      void message.success(t("control.deleted"));
      await client.invalidateQueries({ queryKey: ["roles"] });
    },
    onError: (error) => showError(error, message, t),
  });

  if (roles.isPending || permissions.isPending) return <PageLoading />;
  if (roles.error || permissions.error) return <PageError error={roles.error ?? permissions.error} onRetry={() => void Promise.all([roles.refetch(), permissions.refetch()])} />;

  const header = (role: Role) => (
    <Space orientation="vertical" size={0}>
      <Space size={4}>
        <Typography.Text strong>{role.displayName}</Typography.Text>
        {role.builtIn && <Tag>{t("control.roles.builtIn")}</Tag>}
      </Space>
      <span className="kam-muted">{ce("dataScope", role.dataScope)}</span>
      {manage && (
        <Space size={0}>
          {role.builtIn ? (
            <Tooltip title={t("control.roles.builtInHint")}>
              <Button type="link" size="small" onClick={() => setEditing({ mode: "create", from: role })} aria-label={`${t("control.roles.copy")} ${role.displayName}`}>
                {t("control.roles.copy")}
              </Button>
            </Tooltip>
          ) : (
            <>
              <Button type="link" size="small" onClick={() => setEditing({ mode: "edit", role })} aria-label={`${t("control.edit")} ${role.displayName}`}>
                {t("control.edit")}
              </Button>
              <Popconfirm
                title={t("control.roles.deleteConfirm", { name: role.displayName })}
                okText={t("common.confirm")}
                cancelText={t("common.cancel")}
                okButtonProps={{ danger: true }}
                onConfirm={() => remove.mutateAsync(role).catch(() => undefined)}
              >
                <Button type="link" size="small" danger aria-label={`${t("control.delete")} ${role.displayName}`}>
                  {t("control.delete")}
                </Button>
              </Popconfirm>
            </>
          )}
        </Space>
      )}
    </Space>
  );

  return (
    <div data-testid="control-roles">
      {manage && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: "create" })} style={{ marginBottom: 12 }}>
          {t("control.roles.create")}
        </Button>
      )}
      <Table<Permission>
        rowKey="name"
        size="small"
        bordered
        pagination={false}
        dataSource={permissions.data}
        scroll={{ x: 280 + roles.data.length * 140, y: 600 }}
        locale={{ emptyText: <NoData /> }}
        columns={[
          {
            key: "permission",
            title: t("control.roles.permission"),
            fixed: "left",
            width: 280,
            render: (_, p) => (
              <>
                <div>
                  {text(p)} {p.serviceOnly && <Tag color="purple">{t("control.roles.serviceOnly")}</Tag>}
                </div>
                <span className="kam-muted">{resourceId(p.name)}</span>
              </>
            ),
          },
          ...roles.data.map((role) => ({
            key: role.name!,
            title: header(role),
            width: 140,
            align: "center" as const,
            render: (_: unknown, p: Permission) =>
              role.permissions?.includes(resourceId(p.name)) ? <CheckOutlined style={{ color: "#389e0d" }} aria-label={t("common.yes")} /> : null,
          })),
        ]}
      />
      {manage && <RoleModal editing={editing} permissions={permissions.data} roles={roles.data} onClose={() => setEditing(undefined)} />}
    </div>
  );
}
