// 组织机构: the org units as a tree (built from the flat list by `parent`), searchable; with `org_units.manage`: add
// a child, change a unit, move it by drag and drop (PATCH parent with the etag), delete an empty one.
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Popconfirm, Row, Select, Space, Switch, Tag, Tree, Typography } from "antd";
import type { DataNode, TreeProps } from "antd/es/tree";
import { type Key, useEffect, useMemo, useState } from "react";

import { PageError, PageLoading } from "@/components/PageState";
import { api, must } from "@/lib/api/client";
import { formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { type OrgUnit, useAllOrgUnits } from "./api";
import { buildOrgTree, dropParent, matchingKeys, type OrgNode } from "./logic";
import { clearServerErrors, showError, useControlEnum } from "./shared";

const TYPES = ["TYPE_HEAD_OFFICE", "TYPE_BRANCH", "TYPE_SUB_BRANCH", "TYPE_DEPARTMENT"] as const;
type OrgType = (typeof TYPES)[number];
const CHILD_TYPE: Record<string, OrgType> = {
  TYPE_HEAD_OFFICE: "TYPE_BRANCH",
  TYPE_BRANCH: "TYPE_SUB_BRANCH",
  TYPE_SUB_BRANCH: "TYPE_DEPARTMENT",
};

interface UnitValues {
  orgUnitId?: string;
  displayName: string;
  type: OrgType;
  region?: string;
  keepKamChanges?: boolean;
}

function UnitModal({ mode, unit, onClose }: { mode: "create" | "edit"; unit?: OrgUnit; onClose: () => void }) {
  const { t } = useI18n();
  const ce = useControlEnum();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<UnitValues>();
  useEffect(() => {
    if (!unit) return;
    form.resetFields();
    if (mode === "create") form.setFieldsValue({ type: CHILD_TYPE[unit.type] ?? "TYPE_DEPARTMENT", region: unit.region });
    else form.setFieldsValue({ displayName: unit.displayName, type: unit.type as OrgType, region: unit.region, keepKamChanges: Boolean(unit.keepKamChanges) });
  }, [unit, mode, form]);
  const save = useMutation({
    mutationFn: ({ orgUnitId, ...values }: UnitValues) => {
      if (mode === "create") {
        return must(api.POST("/v1/orgUnits", { params: { query: { orgUnitId } }, body: { ...values, parent: unit!.name } }));
      }
      const mask = (["displayName", "type", "region", "keepKamChanges"] as const).filter((k) => (values[k] ?? "") !== (unit![k] ?? (k === "keepKamChanges" ? false : "")));
      if (!mask.length) return Promise.resolve(unit!);
      return must(
        api.PATCH("/v1/orgUnits/{orgUnit}", {
          params: { path: { orgUnit: resourceId(unit!.name) }, query: { updateMask: mask.join(",") } },
          body: { ...values, name: unit!.name, etag: unit!.etag },
        }),
      );
    },
    onSuccess: async () => {
      void message.success(t(mode === "create" ? "control.org.created" : "control.saved"));
      onClose();
      await client.invalidateQueries({ queryKey: ["orgUnits"] });
    },
    onError: (error) => showError(error, message, t, form, { prefix: "org_unit" }),
  });
  const required = (field: string) => [{ required: true, message: t("auth.required", { field }) }];
  return (
    <Modal
      open={Boolean(unit)}
      title={mode === "create" ? t("control.org.addChildOf", { name: unit?.displayName ?? "" }) : t("control.org.editUnit", { name: unit?.displayName ?? "" })}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      <Form<UnitValues> form={form} name={`${mode}OrgUnit`} onValuesChange={clearServerErrors(form)} layout="vertical" onFinish={(v) => save.mutate(v)}>
        {mode === "create" && (
          <Form.Item name="orgUnitId" label={t("control.org.code")} rules={required(t("control.org.code"))} extra={t("control.org.codeHint")}>
            <Input maxLength={64} />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={t("control.org.name")} rules={required(t("control.org.name"))}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="type" label={t("control.org.type")} rules={required(t("control.org.type"))}>
          <Select options={TYPES.map((v) => ({ value: v, label: ce("orgUnitType", v) }))} />
        </Form.Item>
        <Form.Item name="region" label={t("control.org.region")}>
          <Input maxLength={50} />
        </Form.Item>
        {mode === "edit" && (
          <Form.Item name="keepKamChanges" label={t("control.keepKamChanges")} valuePropName="checked" extra={t("control.keepKamChangesHint")}>
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function OrgTreeTab() {
  const { t } = useI18n();
  const ce = useControlEnum();
  const { message, modal } = App.useApp();
  const { data: me } = useMe();
  const manage = can(me, "org_units.manage");
  const client = useQueryClient();
  const units = useAllOrgUnits();
  const byName = useMemo(() => new Map((units.data ?? []).map((u) => [u.name!, u])), [units.data]);
  const roots = useMemo(() => buildOrgTree(units.data ?? []), [units.data]);
  const [search, setSearch] = useState("");
  const found = useMemo(() => matchingKeys(roots, search), [roots, search]);
  const [expanded, setExpanded] = useState<Key[] | undefined>();
  const [selected, setSelected] = useState<string>();
  const [adding, setAdding] = useState<OrgUnit>();
  const [editing, setEditing] = useState<OrgUnit>();
  const unit = selected ? byName.get(selected) : undefined;

  // a search opens the way to what it found (the user may open and close nodes from there)
  useEffect(() => {
    if (search.trim()) setExpanded([...found.expand]);
  }, [search, found]);
  // first view: the head office and its branches open
  const shownExpanded = expanded ?? roots.map((r) => r.key);

  const move = useMutation({
    mutationFn: ({ unit: u, parent }: { unit: OrgUnit; parent: string }) =>
      must(
        api.PATCH("/v1/orgUnits/{orgUnit}", {
          params: { path: { orgUnit: resourceId(u.name) }, query: { updateMask: "parent" } },
          body: { name: u.name, displayName: u.displayName, type: u.type, parent, etag: u.etag },
        }),
      ),
    onSuccess: async (saved) => {
      void message.success(t("control.org.moved", { name: saved.displayName }));
      await client.invalidateQueries({ queryKey: ["orgUnits"] });
    },
    onError: (error) => showError(error, message, t),
  });

  const remove = useMutation({
    mutationFn: (u: OrgUnit) => must(api.DELETE("/v1/orgUnits/{orgUnit}", { params: { path: { orgUnit: resourceId(u.name) }, query: { etag: u.etag } } })),
    onSuccess: async () => {
      void message.success(t("control.deleted"));
      setSelected(undefined);
      await client.invalidateQueries({ queryKey: ["orgUnits"] });
    },
    onError: (error) => showError(error, message, t),
  });

  const onDrop: TreeProps["onDrop"] = (info) => {
    const pos = String(info.node.pos).split("-");
    const relative = info.dropPosition - Number(pos[pos.length - 1]);
    const dragKey = String(info.dragNode.key);
    const parent = dropParent(
      {
        dragKey,
        dropKey: String(info.node.key),
        dropToGap: info.dropToGap,
        relative,
        dropExpandedWithChildren: Boolean(info.node.expanded && info.node.children?.length),
      },
      byName,
      roots,
    );
    const dragged = byName.get(dragKey);
    if (!parent || !dragged) return;
    const fromCore = dragged.origin === "ORIGIN_CORE_BANKING" && !dragged.keepKamChanges;
    modal.confirm({
      title: t("control.org.moveTitle"),
      content: (
        <>
          <p>{t("control.org.moveConfirm", { name: dragged.displayName, parent: byName.get(parent)?.displayName ?? parent })}</p>
          {fromCore && <Typography.Text type="warning">{t("control.org.moveCoreWarning")}</Typography.Text>}
        </>
      ),
      okText: t("common.confirm"),
      cancelText: t("common.cancel"),
      onOk: () => move.mutateAsync({ unit: dragged, parent }).catch(() => undefined),
    });
  };

  const toData = (list: OrgNode<OrgUnit>[]): DataNode[] =>
    list.map((n) => ({
      key: n.key,
      title: (
        <span>
          <span style={found.matches.has(n.key) ? { color: "#d4380d", fontWeight: 600 } : undefined}>{n.unit.displayName}</span>{" "}
          <span className="kam-muted">{resourceId(n.key)}</span>
        </span>
      ),
      children: n.children.length ? toData(n.children) : undefined,
      isLeaf: !n.children.length,
    }));

  if (units.isPending) return <PageLoading />;
  if (units.error) return <PageError error={units.error} onRetry={() => void units.refetch()} />;

  const children = unit ? (units.data ?? []).filter((u) => u.parent === unit.name).length : 0;
  return (
    <Row gutter={16} data-testid="control-org">
      <Col xs={24} md={12} lg={10}>
        <Card size="small" title={t("control.org.tree")} extra={<span className="kam-muted">{t("common.total", { count: units.data.length })}</span>}>
          <Input.Search aria-label={t("control.org.search")} placeholder={t("control.org.search")} allowClear value={search} onChange={(e) => setSearch(e.target.value)} style={{ marginBottom: 8 }} />
          {manage && <Typography.Paragraph type="secondary">{t("control.org.dragHint")}</Typography.Paragraph>}
          <Tree
            aria-label={t("control.org.tree")}
            treeData={toData(roots)}
            height={560}
            showLine
            blockNode
            draggable={manage && !move.isPending ? { icon: false } : false}
            allowDrop={({ dropNode, dropPosition }) => !(dropPosition !== 0 && !byName.get(String(dropNode.key))?.parent)}
            expandedKeys={shownExpanded}
            onExpand={(keys) => setExpanded(keys)}
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => setSelected(keys[0] === undefined ? undefined : String(keys[0]))}
            onDrop={onDrop}
          />
        </Card>
      </Col>
      <Col xs={24} md={12} lg={14}>
        <Card
          size="small"
          title={unit ? unit.displayName : t("control.org.details")}
          extra={
            unit &&
            manage && (
              <Space>
                <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(unit)}>
                  {t("control.org.addChild")}
                </Button>
                <Button size="small" onClick={() => setEditing(unit)}>
                  {t("control.edit")}
                </Button>
                <Popconfirm
                  title={t("control.org.deleteConfirm", { name: unit.displayName })}
                  okText={t("common.confirm")}
                  cancelText={t("common.cancel")}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync(unit).catch(() => undefined)}
                >
                  <Button size="small" danger disabled={children > 0}>
                    {t("control.delete")}
                  </Button>
                </Popconfirm>
              </Space>
            )
          }
        >
          {unit ? (
            <Descriptions
              column={1}
              size="small"
              bordered
              items={[
                { key: "code", label: t("control.org.code"), children: resourceId(unit.name) },
                { key: "name", label: t("control.org.name"), children: unit.displayName },
                { key: "type", label: t("control.org.type"), children: ce("orgUnitType", unit.type) },
                { key: "parent", label: t("control.org.parent"), children: unit.parent ? (byName.get(unit.parent)?.displayName ?? unit.parent) : t("common.none") },
                { key: "region", label: t("control.org.region"), children: unit.region },
                { key: "children", label: t("control.org.children"), children },
                {
                  key: "origin",
                  label: t("control.originLabel"),
                  children: (
                    <Space>
                      {ce("origin", unit.origin)}
                      {unit.keepKamChanges && <Tag color="blue">{t("control.keepKamChanges")}</Tag>}
                    </Space>
                  ),
                },
                { key: "updateTime", label: t("control.updateTime"), children: formatTime(unit.updateTime) },
              ]}
            />
          ) : (
            <Empty description={t("control.org.pick")} />
          )}
        </Card>
      </Col>
      {manage && (
        <>
          <UnitModal mode="create" unit={adding} onClose={() => setAdding(undefined)} />
          <UnitModal mode="edit" unit={editing} onClose={() => setEditing(undefined)} />
        </>
      )}
    </Row>
  );
}
