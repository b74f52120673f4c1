// 备份与恢复: the backups of the services' databases (one backup id may cover several services); take a backup,
// delete one, restore one — always a dry run first (what would change, what stops it), then a confirmed restore
// of exactly the services the dry run checked.
import { CloudDownloadOutlined, ReloadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Checkbox, Form, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";

import { NoData, PageError } from "@/components/PageState";
import { api, must } from "@/lib/api/client";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { type Backup, type ServiceRestore, useBackups, useSystemHealth } from "./api";
import { formatBytes } from "./logic";
import { Pager, ServiceError, showError, usePageTokens } from "./shared";

type Part = NonNullable<Backup["parts"]>[number];

const rowsTotal = (rows: Record<string, string> | undefined) => Object.values(rows ?? {}).reduce((sum, n) => sum + Number(n || 0), 0);

function PartsTable({ parts }: { parts: Part[] }) {
  const { t, lang } = useI18n();
  return (
    <Table<Part>
      rowKey="service"
      size="small"
      pagination={false}
      dataSource={parts}
      columns={[
        { key: "service", title: t("control.backups.service"), render: (_, p) => p.service },
        { key: "engine", title: t("control.backups.engine"), render: (_, p) => p.engine },
        { key: "size", title: t("control.backups.size"), align: "right", render: (_, p) => formatBytes(p.sizeBytes) },
        { key: "rows", title: t("control.backups.rows"), align: "right", render: (_, p) => formatCount(rowsTotal(p.tableRows), lang) },
        { key: "schema", title: t("control.backups.schema"), render: (_, p) => (p.schemaRevisions ?? []).join(", ") },
        { key: "creator", title: t("control.backups.creator"), render: (_, p) => (p.creator === "system" ? t("control.backups.system") : p.creator) },
        {
          key: "sha",
          title: "SHA-256",
          render: (_, p) => (
            <Typography.Text code copyable={{ text: p.sha256 }}>
              {p.sha256?.slice(0, 12)}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}

function CreateModal({ open, known, onClose }: { open: boolean; known: string[]; onClose: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const [services, setServices] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () => must(api.POST("/v1/backups", { body: { services } })),
    onSuccess: async (backup) => {
      onClose();
      setServices([]);
      if (backup.failures?.length) {
        modal.warning({
          title: t("control.backups.partial", { id: resourceId(backup.name) }),
          content: (
            <ul>
              {backup.failures.map((f) => (
                <li key={f.service}>
                  {f.service}：<ServiceError error={f.error ?? ""} />
                </li>
              ))}
            </ul>
          ),
        });
      } else {
        void message.success(t("control.backups.created", { id: resourceId(backup.name) }));
      }
      await client.invalidateQueries({ queryKey: ["backups"] });
    },
    onError: (error) => showError(error, message, t),
  });
  return (
    <Modal
      open={open}
      title={t("control.backups.create")}
      okText={t("control.backups.start")}
      cancelText={t("common.cancel")}
      confirmLoading={create.isPending}
      onOk={() => create.mutate()}
      onCancel={onClose}
    >
      <Form layout="vertical">
        <Form.Item label={t("control.backups.services")} extra={t("control.backups.servicesHint")}>
          <Select mode="tags" aria-label={t("control.backups.services")} value={services} onChange={setServices} options={known.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
      </Form>
      {create.isPending && <Alert type="info" showIcon title={t("control.backups.working")} />}
    </Modal>
  );
}

function PlanTable({ plans, done }: { plans: ServiceRestore[]; done: boolean }) {
  const { t, lang } = useI18n();
  return (
    <Table<ServiceRestore>
      rowKey="service"
      size="small"
      pagination={false}
      dataSource={plans}
      columns={[
        { key: "service", title: t("control.backups.service"), render: (_, p) => p.service },
        {
          key: "ok",
          title: t("control.backups.check"),
          render: (_, p) =>
            done ? (
              <Tag color={p.restored ? "green" : "red"}>{t(p.restored ? "control.backups.restored" : "control.backups.notRestored")}</Tag>
            ) : (
              <Tag color={p.ok ? "green" : "red"}>{t(p.ok ? "control.backups.canRestore" : "control.backups.cannotRestore")}</Tag>
            ),
        },
        {
          key: "rows",
          title: t("control.backups.rowsChange"),
          render: (_, p) => `${formatCount(rowsTotal(p.currentRows), lang)} → ${formatCount(rowsTotal(p.backupRows), lang)}`,
        },
        { key: "events", title: t("control.backups.eventsWithdrawn"), align: "right", render: (_, p) => formatCount(p.eventsWithdrawn, lang) },
        {
          key: "problems",
          title: t("control.backups.problems"),
          render: (_, p) =>
            p.problems?.length ? (
              <ul style={{ margin: 0, paddingLeft: 16 }}>
                {p.problems.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            ) : p.preRestoreBackupId ? (
              t("control.backups.undoWith", { id: p.preRestoreBackupId })
            ) : null,
        },
      ]}
    />
  );
}

function RestoreModal({ backup, onClose }: { backup?: Backup; onClose: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const covered = backup?.services ?? [];
  const [chosen, setChosen] = useState<string[] | undefined>();
  const services = chosen ?? covered;
  const [checked, setChecked] = useState<{ key: string; ok: boolean; plans: ServiceRestore[] }>();
  const [result, setResult] = useState<{ ok: boolean; plans: ServiceRestore[] }>();
  const key = [...services].sort().join(",");
  const call = (validateOnly: boolean) =>
    must(
      api.POST("/v1/backups/{backup}:restore", {
        params: { path: { backup: resourceId(backup!.name) } },
        body: { name: backup!.name!, services: services.length === covered.length ? [] : services, validateOnly },
      }),
    );
  const dryRun = useMutation({
    mutationFn: () => call(true),
    onSuccess: (r) => setChecked({ key, ok: Boolean(r.ok), plans: r.restores ?? [] }),
    onError: (error) => showError(error, message, t),
  });
  const restore = useMutation({
    mutationFn: () => call(false),
    onSuccess: async (r) => {
      setResult({ ok: Boolean(r.ok), plans: r.restores ?? [] });
      if (r.ok) void message.success(t("control.backups.restoreDone"));
      // every service's data may have changed: nothing cached is to be trusted
      await client.invalidateQueries();
    },
    onError: (error) => showError(error, message, t),
  });
  const close = () => {
    setChosen(undefined);
    setChecked(undefined);
    setResult(undefined);
    onClose();
  };
  const ready = checked?.ok && checked.key === key && !result;
  const confirmRestore = () =>
    modal.confirm({
      title: t("control.backups.restoreTitle", { id: resourceId(backup?.name) }),
      content: t("control.backups.restoreWarning", { services: services.join(", ") }),
      okText: t("control.backups.restore"),
      okButtonProps: { danger: true },
      cancelText: t("common.cancel"),
      onOk: () => restore.mutateAsync().catch(() => undefined),
    });
  return (
    <Modal
      open={Boolean(backup)}
      title={t("control.backups.restoreTitle", { id: resourceId(backup?.name) })}
      width={820}
      onCancel={close}
      footer={
        <Space>
          <Button onClick={close}>{result ? t("control.close") : t("common.cancel")}</Button>
          {!result && (
            <Button onClick={() => dryRun.mutate()} loading={dryRun.isPending} disabled={!services.length}>
              {t("control.backups.dryRun")}
            </Button>
          )}
          {!result && (
            <Button type="primary" danger disabled={!ready} loading={restore.isPending} onClick={confirmRestore}>
              {t("control.backups.restore")}
            </Button>
          )}
        </Space>
      }
    >
      <Typography.Paragraph>{t("control.backups.restoreIntro")}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t("control.backups.services")}>
          <Checkbox.Group
            aria-label={t("control.backups.services")}
            value={services}
            disabled={Boolean(result) || restore.isPending}
            onChange={(v) => setChosen(v as string[])}
            options={covered.map((s) => ({ value: s, label: s }))}
          />
        </Form.Item>
      </Form>
      {checked && !result && (
        <>
          <Alert
            type={checked.ok ? (checked.key === key ? "success" : "info") : "error"}
            showIcon
            title={checked.key !== key ? t("control.backups.checkAgain") : t(checked.ok ? "control.backups.dryRunOk" : "control.backups.dryRunFailed")}
            style={{ marginBottom: 12 }}
          />
          <PlanTable plans={checked.plans} done={false} />
        </>
      )}
      {result && (
        <>
          <Alert type={result.ok ? "success" : "error"} showIcon title={t(result.ok ? "control.backups.restoreDone" : "control.backups.restoreFailed")} style={{ marginBottom: 12 }} />
          <PlanTable plans={result.plans} done />
        </>
      )}
    </Modal>
  );
}

export default function BackupsTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const client = useQueryClient();
  const pager = usePageTokens();
  const backups = useBackups(pager.token);
  const health = useSystemHealth(can(me, "system.read"));
  const [creating, setCreating] = useState(false);
  const [restoring, setRestoring] = useState<Backup>();
  const known = useMemo(() => {
    const names = new Set<string>();
    for (const s of health.data?.services ?? []) if (s.service) names.add(s.service === "gateway" ? "identity" : s.service);
    for (const b of backups.data?.backups ?? []) for (const s of b.services ?? []) names.add(s);
    return [...names];
  }, [health.data, backups.data]);
  const remove = useMutation({
    mutationFn: (b: Backup) => must(api.DELETE("/v1/backups/{backup}", { params: { path: { backup: resourceId(b.name) } } })),
    onSuccess: async () => {
      void message.success(t("control.deleted"));
      await client.invalidateQueries({ queryKey: ["backups"] });
    },
    onError: (error) => showError(error, message, t),
  });

  if (backups.error) return <PageError error={backups.error} onRetry={() => void backups.refetch()} />;
  const unreachable = backups.data?.unreachable ?? [];
  return (
    <div data-testid="control-backups">
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<CloudDownloadOutlined />} onClick={() => setCreating(true)}>
          {t("control.backups.create")}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={() => void backups.refetch()} loading={backups.isFetching}>
          {t("control.refresh")}
        </Button>
      </Space>
      {unreachable.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("control.backups.unreachable")}
          description={
            <Space wrap separator="；">
              {unreachable.map((u) => (
                <span key={u.service}>
                  {u.service}：<ServiceError error={u.error ?? ""} />
                </span>
              ))}
            </Space>
          }
        />
      )}
      <Table<Backup>
        rowKey="name"
        size="middle"
        loading={backups.isFetching}
        dataSource={backups.data?.backups ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <NoData /> }}
        expandable={{ expandedRowRender: (b) => <PartsTable parts={b.parts ?? []} /> }}
        columns={[
          {
            key: "id",
            title: t("control.backups.id"),
            render: (_, b) => (
              <Space>
                <Typography.Text code>{resourceId(b.name)}</Typography.Text>
                {b.preRestore && <Tag color="orange">{t("control.backups.preRestore")}</Tag>}
              </Space>
            ),
          },
          { key: "time", title: t("control.createTime"), render: (_, b) => <span className="kam-num">{formatTime(b.createTime)}</span> },
          { key: "services", title: t("control.backups.services"), render: (_, b) => (b.services ?? []).map((s) => <Tag key={s}>{s}</Tag>) },
          { key: "size", title: t("control.backups.size"), align: "right", render: (_, b) => formatBytes(b.sizeBytes) },
          {
            key: "actions",
            title: t("control.actions"),
            render: (_, b) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setRestoring(b)} aria-label={`${t("control.backups.restore")} ${resourceId(b.name)}`}>
                  {t("control.backups.restore")}
                </Button>
                <Popconfirm
                  title={t("control.backups.deleteConfirm", { id: resourceId(b.name) })}
                  okText={t("common.confirm")}
                  cancelText={t("common.cancel")}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync(b).catch(() => undefined)}
                >
                  <Button type="link" size="small" danger aria-label={`${t("control.delete")} ${resourceId(b.name)}`}>
                    {t("control.delete")}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
        footer={() => <Pager pager={pager} nextToken={backups.data?.nextPageToken} loading={backups.isFetching} />}
      />
      <CreateModal open={creating} known={known} onClose={() => setCreating(false)} />
      <RestoreModal backup={restoring} onClose={() => setRestoring(undefined)} />
    </div>
  );
}
