// 触发模板: the playbooks the caller sees, newest first, filtered by trigger, enabled and "mine"; each with its
// trigger in words (新增重点客户 / 升入等级 钻石 / 存款·贷款·理财到期), the customers it applies to, its steps as
// text (1 天内 电话问候 → 7 天内 上门拜访), how often and when it last fired, its creator, an enabled switch,
// 修改 (the creator) or 查看, and 删除. `?open=<id>` opens one (a task's origin links here).
import { PlusOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { App, Button, Checkbox, Select, Space, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { useState } from "react";

import { Pager, usePageTokens } from "@/features/control/shared";
import { formatCount, formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { playbookQuery, toggled, useChangePlaybook, usePlaybooks } from "./api";
import { type AutomationFilters, conditionsText, mayEdit, type Playbook, playbookFilter, stepsText, triggerText, TRIGGERS } from "./logic";
import { EnabledSwitch, isStale, ItemList, RowActions, useNames } from "./parts";
import { PlaybookDrawer } from "./PlaybookDrawer";

type Change = (next: Partial<AutomationFilters>) => void;
type Shown = { item?: Playbook; readOnly: boolean } | null;

export function PlaybookTab({ filters, change }: { filters: AutomationFilters; change: Change }) {
  const { t, lang, enumText } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const names = useNames();
  const pager = usePageTokens();
  const filter = playbookFilter(filters);
  const [listed, setListed] = useState(filter);
  if (listed !== filter) {
    setListed(filter);
    pager.reset();
  }
  const page = usePlaybooks(filter, pager.token);
  const changeItem = useChangePlaybook();
  const [shown, setShown] = useState<Shown>(null);
  const opened = useQuery({ ...playbookQuery(filters.open ?? ""), enabled: Boolean(filters.open) });
  const assigns = can(me, "tasks.assign");

  const toggle = (item: Playbook, enabled: boolean) =>
    changeItem.mutate(
      { action: "update", playbook: toggled(item, enabled), mask: ["enabled"] },
      {
        onSuccess: () => void message.success(t(enabled ? "automation.turnedOn" : "automation.turnedOff")),
        onError: (e) => void (isStale(e) ? message.warning(t("automation.stale")) : message.error(e.message)),
      },
    );
  const remove = (item: Playbook) =>
    changeItem.mutateAsync(
      { action: "delete", playbook: item },
      {
        onSuccess: () => void message.success(t("automation.deleted")),
        onError: (e) => void (isStale(e) ? message.warning(t("automation.stale")) : message.error(e.message)),
      },
    );
  const open = (item: Playbook) => setShown({ item, readOnly: !mayEdit(item, me) });
  const close = () => {
    setShown(null);
    if (filters.open) change({ open: undefined });
  };
  const fromAddress = filters.open && opened.data ? { item: opened.data, readOnly: !mayEdit(opened.data, me) } : null;
  const drawer = shown ?? fromAddress;
  const busy = (item: Playbook) => changeItem.isPending && changeItem.variables?.playbook.name === item.name;

  const name = (item: Playbook) => (
    <Typography.Link onClick={() => open(item)} data-testid="playbook-name">
      {item.displayName}
    </Typography.Link>
  );
  const fired = (item: Playbook) => (
    <span data-testid="playbook-fired">
      {t("automation.timesFired", { count: formatCount(item.triggerCount ?? 0, lang) })}
      {item.lastTriggerTime ? <div className="kam-muted kam-num">{formatTime(item.lastTriggerTime)}</div> : null}
    </span>
  );
  const enabled = (item: Playbook) => (
    <EnabledSwitch checked={Boolean(item.enabled)} disabled={!assigns} loading={busy(item)} onChange={(v) => toggle(item, v)} testId="playbook-enabled-switch" />
  );
  const actions = (item: Playbook) => <RowActions edit={mayEdit(item, me)} remove={assigns} onOpen={() => open(item)} onDelete={() => remove(item)} />;
  const steps = (item: Playbook) => <span data-testid="playbook-steps-text">{stepsText(item.steps, t)}</span>;

  const columns: ColumnsType<Playbook> = [
    { key: "name", title: t("automation.name"), render: (_, item) => name(item) },
    { key: "trigger", title: t("automation.triggerLabel"), render: (_, item) => <span data-testid="playbook-trigger-text">{triggerText(item, names, t)}</span> },
    { key: "conditions", title: t("automation.conditions"), render: (_, item) => conditionsText(item, names, t) },
    { key: "steps", title: t("automation.steps"), render: (_, item) => steps(item) },
    { key: "fired", title: t("automation.fired"), width: 150, render: (_, item) => fired(item) },
    { key: "creator", title: t("automation.creator"), width: 100, render: (_, item) => item.creatorDisplayName || names.user(item.creator ?? "") },
    { key: "enabled", title: t("automation.enabled"), width: 90, render: (_, item) => enabled(item) },
    { key: "actions", title: t("automation.actions"), width: 120, render: (_, item) => actions(item) },
  ];

  return (
    <div data-testid="playbook-tab">
      <Space wrap style={{ marginBottom: 12, width: "100%", justifyContent: "space-between" }}>
        <Space wrap>
          <Select
            aria-label={t("automation.triggerLabel")}
            placeholder={t("automation.anyTrigger")}
            allowClear
            style={{ width: 150 }}
            value={filters.trigger}
            onChange={(trigger) => change({ trigger })}
            options={TRIGGERS.map((v) => ({ value: v, label: enumText("playbookTrigger", v) }))}
            data-testid="playbook-trigger-filter"
          />
          <Select
            aria-label={t("automation.state")}
            style={{ width: 120 }}
            value={filters.enabled === undefined ? "" : String(filters.enabled)}
            onChange={(v: string) => change({ enabled: v === "" ? undefined : v === "true" })}
            options={[
              { value: "", label: t("automation.anyState") },
              { value: "true", label: t("automation.on") },
              { value: "false", label: t("automation.off") },
            ]}
            data-testid="playbook-enabled-filter"
          />
          <Checkbox checked={Boolean(filters.mine)} onChange={(e) => change({ mine: e.target.checked })} data-testid="playbook-mine">
            {t("automation.onlyMine")}
          </Checkbox>
        </Space>
        {assigns ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setShown({ readOnly: false })} data-testid="playbook-new">
            {t("automation.newPlaybook")}
          </Button>
        ) : null}
      </Space>
      <ItemList<Playbook>
        items={page.data?.playbooks ?? []}
        loading={page.isPending}
        error={page.error}
        onRetry={() => void page.refetch()}
        columns={columns}
        testId="playbook"
        card={(item) => ({
          title: name(item),
          lines: [
            [t("automation.triggerLabel"), triggerText(item, names, t)],
            [t("automation.conditions"), conditionsText(item, names, t)],
            [t("automation.steps"), steps(item)],
            [t("automation.fired"), fired(item)],
            [t("automation.creator"), item.creatorDisplayName || names.user(item.creator ?? "")],
          ],
          footer: (
            <>
              {enabled(item)}
              {actions(item)}
            </>
          ),
        })}
      />
      <Space style={{ marginTop: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="playbook-total">
          {t("common.total", { count: formatCount(page.data?.totalSize ?? 0, lang) })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </Space>
      {opened.error && filters.open ? (
        <Typography.Text type="danger" style={{ display: "block" }} data-testid="playbook-open-error">
          {opened.error.message}
        </Typography.Text>
      ) : null}
      <PlaybookDrawer open={Boolean(drawer)} item={drawer?.item} readOnly={drawer?.readOnly} onClose={close} />
    </div>
  );
}
