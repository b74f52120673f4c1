// The control center's rules that need no React: which tabs a user sees, the org tree from the flat list, where a
// dragged unit lands, field violations onto form fields, and the filter expressions the API understands.

// ---- tabs

export const TABS = ["users", "orgUnits", "roles", "serviceAccounts", "backups", "audit", "system"] as const;
export type TabKey = (typeof TABS)[number];

/** The permission that shows a tab (any of a list); the tab's own controls check the stronger `.manage` ones. */
export const TAB_PERMISSION: Record<TabKey, string[]> = {
  users: ["users.read", "users.manage"],
  orgUnits: ["org_units.read", "org_units.manage"],
  roles: ["roles.read", "roles.manage"],
  serviceAccounts: ["service_accounts.manage"],
  backups: ["system.backup"],
  audit: ["audit.read"],
  system: ["system.read"],
};

/** The tabs the permissions allow, in the page's order. */
export function visibleTabs(permissions: readonly string[] | undefined): TabKey[] {
  const held = new Set(permissions ?? []);
  return TABS.filter((tab) => TAB_PERMISSION[tab].some((p) => held.has(p)));
}

/** The tab to show: the one asked for (`?tab=`) when allowed, else the first allowed one (undefined: none). */
export function chooseTab(requested: string | null | undefined, visible: readonly TabKey[]): TabKey | undefined {
  return visible.find((tab) => tab === requested) ?? visible[0];
}

// ---- org tree

export interface OrgLike {
  name?: string;
  parent?: string;
  displayName?: string;
}

export interface OrgNode<T extends OrgLike> {
  key: string;
  unit: T;
  children: OrgNode<T>[];
}

/**
 * The forest of org units from the flat list: children under their parent, ordered by name (the institution code);
 * a unit whose parent is missing from the list (or that would close a cycle) becomes a root, so none is lost.
 */
export function buildOrgTree<T extends OrgLike>(units: readonly T[]): OrgNode<T>[] {
  const nodes = new Map<string, OrgNode<T>>();
  for (const unit of units) if (unit.name) nodes.set(unit.name, { key: unit.name, unit, children: [] });
  const roots: OrgNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parent ? nodes.get(node.unit.parent) : undefined;
    if (parent && !closesCycle(node.key, node.unit.parent!, nodes)) parent.children.push(node);
    else roots.push(node);
  }
  const order = (list: OrgNode<T>[]) => {
    list.sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }));
    list.forEach((n) => order(n.children));
  };
  order(roots);
  return roots;
}

function closesCycle<T extends OrgLike>(key: string, parent: string, nodes: Map<string, OrgNode<T>>): boolean {
  const seen = new Set([key]);
  let current: string | undefined = parent;
  while (current) {
    if (seen.has(current)) return true;
    seen.add(current);
    current = nodes.get(current)?.unit.parent || undefined;
  }
  return false;
}

/** The keys of a unit and everything below it. */
export function subtreeKeys<T extends OrgLike>(roots: readonly OrgNode<T>[], key: string): Set<string> {
  const out = new Set<string>();
  const walk = (list: readonly OrgNode<T>[], inside: boolean) => {
    for (const n of list) {
      const now = inside || n.key === key;
      if (now) out.add(n.key);
      walk(n.children, now);
    }
  };
  walk(roots, false);
  return out;
}

/** The units whose name or code contains `text`, with their ancestors (to expand the tree to them). */
export function matchingKeys<T extends OrgLike>(roots: readonly OrgNode<T>[], text: string): { matches: Set<string>; expand: Set<string> } {
  const matches = new Set<string>();
  const expand = new Set<string>();
  const needle = text.trim().toLowerCase();
  if (!needle) return { matches, expand };
  const walk = (list: readonly OrgNode<T>[], path: string[]) => {
    for (const n of list) {
      const hay = `${n.unit.displayName ?? ""} ${n.key}`.toLowerCase();
      if (hay.includes(needle)) {
        matches.add(n.key);
        path.forEach((k) => expand.add(k));
      }
      walk(n.children, [...path, n.key]);
    }
  };
  walk(roots, []);
  return { matches, expand };
}

export interface DropInfo {
  /** The unit dragged. */
  dragKey: string;
  /** The unit it was dropped on or beside. */
  dropKey: string;
  /** Dropped into the gap before/after the node rather than on it. */
  dropToGap: boolean;
  /** -1 above the node, 0 on it, 1 below it (AntD: dropPosition minus the node's own index). */
  relative: number;
  /** The drop node is expanded and has children (a drop just below it goes in as its first child). */
  dropExpandedWithChildren: boolean;
}

/**
 * The new parent of a dragged unit (its order among siblings is not stored: they sort by code), or undefined when
 * the drop changes nothing or is not allowed (no parent: only the head office is a root; into its own subtree).
 */
export function dropParent<T extends OrgLike>(info: DropInfo, units: ReadonlyMap<string, T>, roots: readonly OrgNode<T>[]): string | undefined {
  const dragged = units.get(info.dragKey);
  const target = units.get(info.dropKey);
  if (!dragged || !target || info.dragKey === info.dropKey) return undefined;
  const into = !info.dropToGap || (info.relative === 1 && info.dropExpandedWithChildren);
  const parent = into ? info.dropKey : target.parent || "";
  if (!parent || parent === (dragged.parent || "")) return undefined;
  if (subtreeKeys(roots, info.dragKey).has(parent)) return undefined;
  return parent;
}

// ---- field violations (shared by every form: lib/api/violations.ts)

export { violationField, violationsByField } from "@/lib/api/violations";

// ---- filters

export const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const USERNAME = /^[a-z0-9._-]{3,32}$/;

export interface UserFilters {
  /** A login name (lower-case letters, digits, . _ -) or a display name; the API matches either exactly. */
  text?: string;
  orgUnit?: string;
  role?: string;
  state?: string;
}

/** The ListUsers filter: equality terms joined by AND (the API has no partial match). */
export function userFilter(f: UserFilters): string {
  const terms: string[] = [];
  const text = f.text?.trim();
  if (text) terms.push(USERNAME.test(text) ? `username = ${quote(text)}` : `display_name = ${quote(text)}`);
  if (f.orgUnit) terms.push(`org_unit = ${quote(f.orgUnit)}`);
  if (f.role) terms.push(`roles = ${quote(f.role)}`);
  if (f.state) terms.push(`state = ${f.state}`);
  return terms.join(" AND ");
}

export interface AuditFilters {
  service?: string;
  actor?: string;
  action?: string;
  resource?: string;
  kind?: string;
}

/** The audit filter; a bare login name as actor means the user (`rm_zhang` → `users/rm_zhang`). */
export function auditFilter(f: AuditFilters): string {
  const terms: string[] = [];
  const actor = f.actor?.trim();
  if (f.service) terms.push(`service = ${quote(f.service)}`);
  if (actor) terms.push(`actor = ${quote(actor.includes("/") ? actor : `users/${actor}`)}`);
  if (f.action?.trim()) terms.push(`action = ${quote(f.action.trim())}`);
  if (f.resource?.trim()) terms.push(`resource = ${quote(f.resource.trim())}`);
  if (f.kind) terms.push(`kind = ${f.kind}`);
  return terms.join(" AND ");
}

// ---- small formatting

/** Bytes for people: 1.2 MB. */
export function formatBytes(value: string | number | undefined): string {
  let n = Number(value ?? 0);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${i === 0 ? n : n.toFixed(n >= 10 ? 0 : 1)} ${units[i]}`;
}

/** A base64 file body (proto `bytes` in JSON) as a Blob. */
export function base64Blob(content: string, type: string): Blob {
  const binary = atob(content);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: type || "application/octet-stream" });
}

/** Whether a sign-in lock is still in force. */
export function isLocked(lockExpireTime: string | undefined, now = Date.now()): boolean {
  return Boolean(lockExpireTime) && new Date(lockExpireTime!).getTime() > now;
}
