// The org tree as a picker (总行 → 分行 → 支行): several units chosen, searchable by name. Used where people choose
// org units — a bulletin's segment, an announcement's audience.
import { TreeSelect } from "antd";
import { useMemo } from "react";

import { resourceId } from "@/lib/format";

import { useAllOrgUnits } from "./api";
import { buildOrgTree, type OrgNode } from "./logic";

type OrgUnit = { name?: string; parent?: string; displayName?: string };
interface TreeOption {
  value: string;
  title: string;
  children: TreeOption[];
}

function treeOptions(nodes: OrgNode<OrgUnit>[]): TreeOption[] {
  return nodes.map((n) => ({ value: n.key, title: n.unit.displayName || resourceId(n.key), children: treeOptions(n.children) }));
}

export function OrgUnitPicker({
  value,
  onChange,
  id,
  label,
  placeholder,
  testId,
  enabled = true,
  disabled = false,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  id?: string;
  label: string;
  placeholder?: string;
  testId?: string;
  enabled?: boolean;
  disabled?: boolean;
}) {
  const units = useAllOrgUnits(enabled);
  const tree = useMemo(() => treeOptions(buildOrgTree(units.data ?? [])), [units.data]);
  return (
    <TreeSelect
      id={id}
      aria-label={label}
      multiple
      treeData={tree}
      value={value}
      onChange={(v: string[]) => onChange?.(v)}
      showSearch={{ treeNodeFilterProp: "title" }}
      treeDefaultExpandAll={false}
      placeholder={placeholder}
      loading={units.isPending}
      allowClear
      disabled={disabled}
      style={{ width: "100%" }}
      data-testid={testId}
    />
  );
}
