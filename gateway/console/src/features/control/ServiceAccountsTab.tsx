// 服务账户: the systems that call KAM with client credentials (e.g. the core-banking feed). Create one (its secret
// is shown once), rotate its secret (the old one stops working), disable it. The API has no way to enable a
// disabled account again or to change its permissions: create a new one.
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Descriptions, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";

import { NoData, PageError } from "@/components/PageState";
import { api, must } from "@/lib/api/client";
import { formatTime, resourceId } from "@/lib/format";
import { FormModal } from "@/components/FormModal";
import { useI18n } from "@/locales/i18n";

import { type ServiceAccount, usePermissions, useServiceAccounts } from "./api";
import { clearServerErrors, showError, StateTag, useControlEnum } from "./shared";

interface Secret {
  account?: ServiceAccount;
  secret?: string;
}

/** The secret, shown only now: copy it before closing. */
function SecretModal({ shown, onClose }: { shown?: Secret; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal
      open={Boolean(shown)}
      title={t("control.sa.secretTitle")}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={
        <Button type="primary" onClick={onClose}>
          {t("control.sa.secretSaved")}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t("control.sa.secretOnce")} style={{ marginBottom: 12 }} />
      <Descriptions
        column={1}
        size="small"
        bordered
        items={[
          { key: "id", label: t("control.sa.clientId"), children: <Typography.Text copyable>{resourceId(shown?.account?.name)}</Typography.Text> },
          {
            key: "secret",
            label: t("control.sa.secret"),
            children: (
              <Typography.Text code copyable data-testid="sa-secret" style={{ wordBreak: "break-all" }}>
                {shown?.secret}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Modal>
  );
}

interface CreateValues {
  serviceAccountId: string;
  displayName: string;
  permissions: string[];
}

function CreateModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (s: Secret) => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const permissions = usePermissions();
  const [form] = Form.useForm<CreateValues>();
  const create = useMutation({
    mutationFn: ({ serviceAccountId, ...body }: CreateValues) => must(api.POST("/v1/serviceAccounts", { params: { query: { serviceAccountId } }, body })),
    onSuccess: async (reply) => {
      form.resetFields();
      onClose();
      onCreated({ account: reply.serviceAccount, secret: reply.clientSecret });
      await client.invalidateQueries({ queryKey: ["serviceAccounts"] });
    },
    onError: (error) => showError(error, message, t, form, { prefix: "service_account" }),
  });
  const required = (field: string) => [{ required: true, message: t("auth.required", { field }) }];
  return (
    <FormModal open={open} title={t("control.sa.create")} form={form} busy={create.isPending} onClose={onClose}>
      <Form<CreateValues> form={form} name="createServiceAccount" onValuesChange={clearServerErrors(form)} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ permissions: [] }}>
        <Form.Item name="serviceAccountId" label={t("control.sa.clientId")} rules={required(t("control.sa.clientId"))} extra={t("control.sa.clientIdHint")}>
          <Input maxLength={63} autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label={t("control.sa.name")} rules={required(t("control.sa.name"))}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="permissions" label={t("control.sa.permissions")} rules={required(t("control.sa.permissions"))} extra={t("control.sa.permissionsHint")}>
          <Select
            mode="multiple"
            loading={permissions.isPending}
            showSearch={{ optionFilterProp: "label" }}
            options={(permissions.data ?? []).map((p) => ({
              value: resourceId(p.name),
              label: `${(lang === "en-US" ? p.descriptionEn : p.description) || ""} (${resourceId(p.name)})`,
            }))}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

export default function ServiceAccountsTab() {
  const { t } = useI18n();
  const ce = useControlEnum();
  const { message } = App.useApp();
  const client = useQueryClient();
  const accounts = useServiceAccounts();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Secret>();
  const rotate = useMutation({
    mutationFn: (a: ServiceAccount) =>
      must(api.POST("/v1/serviceAccounts/{serviceAccount}:rotateSecret", { params: { path: { serviceAccount: resourceId(a.name) } }, body: { name: a.name! } })),
    onSuccess: async (reply) => {
      setSecret({ account: reply.serviceAccount, secret: reply.clientSecret });
      await client.invalidateQueries({ queryKey: ["serviceAccounts"] });
    },
    onError: (error) => showError(error, message, t),
  });
  const disable = useMutation({
    mutationFn: (a: ServiceAccount) =>
      must(api.POST("/v1/serviceAccounts/{serviceAccount}:disable", { params: { path: { serviceAccount: resourceId(a.name) } }, body: { name: a.name! } })),
    onSuccess: async () => {
      void message.success(t("control.sa.disabled"));
      await client.invalidateQueries({ queryKey: ["serviceAccounts"] });
    },
    onError: (error) => showError(error, message, t),
  });

  if (accounts.error) return <PageError error={accounts.error} onRetry={() => void accounts.refetch()} />;
  return (
    <div data-testid="control-service-accounts">
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} style={{ marginBottom: 12 }}>
        {t("control.sa.create")}
      </Button>
      <Table<ServiceAccount>
        rowKey="name"
        size="middle"
        loading={accounts.isPending}
        dataSource={accounts.data ?? []}
        pagination={false}
        scroll={{ x: 960 }}
        locale={{ emptyText: <NoData /> }}
        columns={[
          { key: "id", title: t("control.sa.clientId"), render: (_, a) => <Typography.Text code>{resourceId(a.name)}</Typography.Text> },
          { key: "name", title: t("control.sa.name"), render: (_, a) => a.displayName },
          { key: "permissions", title: t("control.sa.permissions"), render: (_, a) => a.permissions.map((p) => <Tag key={p}>{p}</Tag>) },
          {
            key: "state",
            title: t("control.sa.state"),
            render: (_, a) => <StateTag tone={a.state === "STATE_ACTIVE" ? "good" : "bad"}>{ce("serviceAccountState", a.state)}</StateTag>,
          },
          { key: "lastToken", title: t("control.sa.lastToken"), render: (_, a) => <span className="kam-num">{formatTime(a.lastTokenTime)}</span> },
          { key: "created", title: t("control.createTime"), render: (_, a) => <span className="kam-num">{formatTime(a.createTime)}</span> },
          {
            key: "actions",
            title: t("control.actions"),
            render: (_, a) =>
              a.state === "STATE_ACTIVE" && (
                <Space size={0}>
                  <Popconfirm
                    title={t("control.sa.rotateConfirm", { name: a.displayName })}
                    okText={t("common.confirm")}
                    cancelText={t("common.cancel")}
                    onConfirm={() => rotate.mutateAsync(a).catch(() => undefined)}
                  >
                    <Button type="link" size="small" aria-label={`${t("control.sa.rotate")} ${resourceId(a.name)}`}>
                      {t("control.sa.rotate")}
                    </Button>
                  </Popconfirm>
                  <Popconfirm
                    title={t("control.sa.disableConfirm", { name: a.displayName })}
                    okText={t("common.confirm")}
                    cancelText={t("common.cancel")}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => disable.mutateAsync(a).catch(() => undefined)}
                  >
                    <Button type="link" size="small" danger aria-label={`${t("control.sa.disable")} ${resourceId(a.name)}`}>
                      {t("control.sa.disable")}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <CreateModal open={creating} onClose={() => setCreating(false)} onCreated={setSecret} />
      <SecretModal shown={secret} onClose={() => setSecret(undefined)} />
    </div>
  );
}
