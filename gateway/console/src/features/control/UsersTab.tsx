// 用户: the users in the caller's scope, filtered by name, org unit, role and state; with `users.manage`: create,
// change, disable/enable, reset a password, lift a sign-in lock.
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";

import { NoData, PageError } from "@/components/PageState";
import { api, must, type User } from "@/lib/api/client";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { namesOf, useAllOrgUnits, useRoles, useUserPage } from "./api";
import { isLocked, type UserFilters } from "./logic";
import { Pager, showError, StateTag, usePageTokens } from "./shared";
import { CreateUserModal, EditUserModal, ResetPasswordModal } from "./UserForms";

const STATES = ["STATE_ACTIVE", "STATE_DISABLED", "STATE_PENDING_ACTIVATION"] as const;

type Action = "disable" | "enable" | "unlock";

export default function UsersTab() {
  const { t, lang, enumText } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const manage = can(me, "users.manage");
  const client = useQueryClient();
  const [filters, setFilters] = useState<UserFilters>({});
  const [text, setText] = useState("");
  const pager = usePageTokens();
  const page = useUserPage(filters, pager.token);
  const orgUnits = useAllOrgUnits(can(me, ["org_units.read", "org_units.manage", "users.manage"]));
  const roles = useRoles(can(me, ["roles.read", "roles.manage"]));
  const orgNames = namesOf(orgUnits.data);
  const roleNames = namesOf(roles.data);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User>();
  const [resetting, setResetting] = useState<User>();

  const filter = (next: UserFilters) => {
    setFilters(next);
    pager.reset();
  };

  const act = useMutation({
    mutationFn: ({ user, action }: { user: User; action: Action }) => {
      const opts = { params: { path: { user: resourceId(user.name) } }, body: { name: user.name! } };
      if (action === "disable") return must(api.POST("/v1/users/{user}:disable", opts));
      if (action === "enable") return must(api.POST("/v1/users/{user}:enable", opts));
      return must(api.POST("/v1/users/{user}:unlock", opts));
    },
    onSuccess: async (_user, { action }) => {
      void message.success(t(`control.users.done.${action}`));
      await client.invalidateQueries({ queryKey: ["users"] });
    },
    onError: (error) => showError(error, message, t),
  });

  const stateTone = (s?: string) => (s === "STATE_ACTIVE" ? "good" : s === "STATE_DISABLED" ? "bad" : "warn");
  const confirmButton = (user: User, action: Action, label: string, danger = false) => (
    <Popconfirm
      title={t(`control.users.confirm.${action}`, { name: user.displayName })}
      okText={t("common.confirm")}
      cancelText={t("common.cancel")}
      okButtonProps={{ danger }}
      onConfirm={() => act.mutateAsync({ user, action }).catch(() => undefined)}
    >
      <Button type="link" size="small" danger={danger} aria-label={`${label} ${user.username}`}>
        {label}
      </Button>
    </Popconfirm>
  );

  const users = page.data?.users ?? [];
  return (
    <div data-testid="control-users">
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t("control.users.search")}
          placeholder={t("control.users.search")}
          allowClear
          style={{ width: 240 }}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value) filter({ ...filters, text: undefined });
          }}
          onSearch={(v) => filter({ ...filters, text: v || undefined })}
        />
        <Select
          aria-label={t("control.users.orgUnit")}
          placeholder={t("control.users.orgUnit")}
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          style={{ width: 200 }}
          value={filters.orgUnit}
          onChange={(orgUnit) => filter({ ...filters, orgUnit })}
          options={(orgUnits.data ?? []).map((o) => ({ value: o.name!, label: o.displayName }))}
        />
        <Select
          aria-label={t("control.users.role")}
          placeholder={t("control.users.role")}
          allowClear
          style={{ width: 150 }}
          value={filters.role}
          onChange={(role) => filter({ ...filters, role })}
          options={(roles.data ?? []).map((r) => ({ value: r.name!, label: r.displayName }))}
        />
        <Select
          aria-label={t("control.users.state")}
          placeholder={t("control.users.state")}
          allowClear
          style={{ width: 120 }}
          value={filters.state}
          onChange={(state) => filter({ ...filters, state })}
          options={STATES.map((s) => ({ value: s, label: enumText("userState", s) }))}
        />
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t("control.users.create")}
          </Button>
        )}
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t("control.users.searchHint")}
      </Typography.Paragraph>
      {page.error ? (
        <PageError error={page.error} onRetry={() => void page.refetch()} />
      ) : (
        <Table<User>
          rowKey="name"
          size="middle"
          loading={page.isFetching}
          dataSource={users}
          pagination={false}
          scroll={{ x: 1150 }}
          locale={{ emptyText: <NoData /> }}
          columns={[
            { key: "username", title: t("control.users.username"), render: (_, u) => u.username },
            { key: "displayName", title: t("control.users.displayName"), render: (_, u) => u.displayName },
            { key: "orgUnit", title: t("control.users.orgUnit"), render: (_, u) => orgNames.get(u.orgUnit) ?? resourceId(u.orgUnit) },
            {
              key: "roles",
              title: t("control.users.roles"),
              render: (_, u) => (u.roles ?? []).map((r) => <Tag key={r}>{roleNames.get(r) ?? resourceId(r)}</Tag>),
            },
            {
              key: "state",
              title: t("control.users.state"),
              render: (_, u) => (
                <Space size={4}>
                  <StateTag tone={stateTone(u.state)}>{enumText("userState", u.state)}</StateTag>
                  {isLocked(u.lockExpireTime) && (
                    <Tooltip title={t("control.users.lockedUntil", { time: formatTime(u.lockExpireTime) })}>
                      <Tag color="volcano">{t("control.users.locked")}</Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            { key: "lastLogin", title: t("control.users.lastLogin"), render: (_, u) => <span className="kam-num">{formatTime(u.lastLoginTime)}</span> },
            ...(manage
              ? [
                  {
                    key: "actions",
                    title: t("control.actions"),
                    width: 250,
                    render: (_: unknown, u: User) => (
                      <Space size={0}>
                        <Button type="link" size="small" onClick={() => setEditing(u)} aria-label={`${t("control.edit")} ${u.username}`}>
                          {t("control.edit")}
                        </Button>
                        <Button type="link" size="small" onClick={() => setResetting(u)} aria-label={`${t("control.users.resetPassword")} ${u.username}`}>
                          {t("control.users.resetPassword")}
                        </Button>
                        {isLocked(u.lockExpireTime) && confirmButton(u, "unlock", t("control.users.unlock"))}
                        {u.state === "STATE_ACTIVE"
                          ? u.name !== me?.name && confirmButton(u, "disable", t("control.users.disable"), true)
                          : confirmButton(u, "enable", t("control.users.enable"))}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
          footer={() => (
            <Space style={{ justifyContent: "space-between", width: "100%" }}>
              <Typography.Text type="secondary">{t("common.total", { count: formatCount(page.data?.totalSize ?? users.length, lang) })}</Typography.Text>
              <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
            </Space>
          )}
        />
      )}
      {manage && (
        <>
          <CreateUserModal open={creating} onClose={() => setCreating(false)} orgUnits={orgUnits.data ?? []} roles={roles.data ?? []} />
          <EditUserModal user={editing} onClose={() => setEditing(undefined)} orgUnits={orgUnits.data ?? []} roles={roles.data ?? []} />
          <ResetPasswordModal user={resetting} onClose={() => setResetting(undefined)} />
        </>
      )}
    </div>
  );
}
