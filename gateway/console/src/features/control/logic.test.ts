import { describe, expect, it } from "vitest";

import {
  auditFilter,
  base64Blob,
  buildOrgTree,
  chooseTab,
  dropParent,
  formatBytes,
  isLocked,
  matchingKeys,
  subtreeKeys,
  userFilter,
  violationField,
  violationsByField,
  visibleTabs,
} from "./logic";

describe("tabs", () => {
  it("shows each tab only with its permission, in the page's order", () => {
    expect(visibleTabs(["audit.read", "users.read", "org_units.read", "roles.read"])).toEqual(["users", "orgUnits", "roles", "audit"]);
    expect(visibleTabs(["system.read"])).toEqual(["system"]);
    expect(visibleTabs(["users.manage", "service_accounts.manage", "system.backup"])).toEqual(["users", "serviceAccounts", "backups"]);
    expect(visibleTabs(undefined)).toEqual([]);
    expect(visibleTabs(["customers.read"])).toEqual([]);
  });

  it("keeps the tab asked for when allowed, else falls back to the first allowed", () => {
    expect(chooseTab("audit", ["users", "audit"])).toBe("audit");
    expect(chooseTab("backups", ["users", "audit"])).toBe("users");
    expect(chooseTab(null, ["system"])).toBe("system");
    expect(chooseTab("users", [])).toBeUndefined();
  });
});

const units = [
  { name: "orgUnits/0100", parent: "orgUnits/0000", displayName: "北京分行" },
  { name: "orgUnits/0000", parent: "", displayName: "总行" },
  { name: "orgUnits/0102", parent: "orgUnits/0100", displayName: "北京西城支行" },
  { name: "orgUnits/0101", parent: "orgUnits/0100", displayName: "北京东城支行" },
  { name: "orgUnits/0200", parent: "orgUnits/0000", displayName: "上海分行" },
  { name: "orgUnits/9001", parent: "orgUnits/gone", displayName: "孤立机构" },
  { name: "orgUnits/x1", parent: "orgUnits/x2", displayName: "环A" },
  { name: "orgUnits/x2", parent: "orgUnits/x1", displayName: "环B" },
];
const byName = new Map(units.map((u) => [u.name, u]));

describe("buildOrgTree", () => {
  it("puts children under their parents, ordered by code, and keeps orphans and cycles as roots", () => {
    const roots = buildOrgTree(units);
    const shape = (list: typeof roots): unknown => list.map((n) => (n.children.length ? { [n.key]: shape(n.children) } : n.key));
    const tree = shape(roots) as unknown[];
    expect(tree[0]).toEqual({ "orgUnits/0000": [{ "orgUnits/0100": ["orgUnits/0101", "orgUnits/0102"] }, "orgUnits/0200"] });
    expect(tree).toContain("orgUnits/9001");
    // a cycle is broken rather than losing both units
    const all = new Set<string>();
    const walk = (list: typeof roots) => list.forEach((n) => (all.add(n.key), walk(n.children)));
    walk(roots);
    expect(all.size).toBe(units.length);
  });

  it("finds a subtree and the units matching a search with their ancestors", () => {
    const roots = buildOrgTree(units);
    expect([...subtreeKeys(roots, "orgUnits/0100")].sort()).toEqual(["orgUnits/0100", "orgUnits/0101", "orgUnits/0102"]);
    const found = matchingKeys(roots, "西城");
    expect([...found.matches]).toEqual(["orgUnits/0102"]);
    expect([...found.expand].sort()).toEqual(["orgUnits/0000", "orgUnits/0100"]);
    expect(matchingKeys(roots, "  ").matches.size).toBe(0);
  });
});

describe("dropParent", () => {
  const roots = buildOrgTree(units);
  const drop = (dragKey: string, dropKey: string, dropToGap: boolean, relative = 0, dropExpandedWithChildren = false) =>
    dropParent({ dragKey, dropKey, dropToGap, relative, dropExpandedWithChildren }, byName, roots);

  it("drops onto a unit as its child, and into a gap as the sibling of the unit beside it", () => {
    expect(drop("orgUnits/0101", "orgUnits/0200", false)).toBe("orgUnits/0200");
    expect(drop("orgUnits/0200", "orgUnits/0101", true, 1)).toBe("orgUnits/0100");
    // just below an expanded unit with children: its first child
    expect(drop("orgUnits/0102", "orgUnits/0200", true, 1, true)).toBe("orgUnits/0200");
  });

  it("ignores a drop that changes nothing, makes a second root or goes into the unit's own subtree", () => {
    expect(drop("orgUnits/0101", "orgUnits/0102", true, 1)).toBeUndefined(); // same parent
    expect(drop("orgUnits/0100", "orgUnits/0000", true, -1)).toBeUndefined(); // beside the root: no parent
    expect(drop("orgUnits/0100", "orgUnits/0101", false)).toBeUndefined(); // into its own child
    expect(drop("orgUnits/0100", "orgUnits/0100", false)).toBeUndefined();
  });
});

describe("violations", () => {
  it("maps the API's field paths to form fields", () => {
    expect(violationField("user.display_name", "user")).toBe("displayName");
    expect(violationField("user.roles[1]")).toBe("roles");
    expect(violationField("initial_password")).toBe("initialPassword");
    expect(violationField("org_unit.parent", "org_unit")).toBe("parent");
  });

  it("groups several violations of one field and renames where the form differs", () => {
    expect(
      violationsByField(
        [
          { field: "initial_password", description: "太短" },
          { field: "initial_password", description: "需含数字" },
          { field: "user_id", description: "格式不对" },
        ],
        "user",
        { userId: "username" },
      ),
    ).toEqual([
      { name: "initialPassword", errors: ["太短", "需含数字"] },
      { name: "username", errors: ["格式不对"] },
    ]);
  });
});

describe("filters", () => {
  it("matches a login name or a display name exactly, with org, role and state", () => {
    expect(userFilter({})).toBe("");
    expect(userFilter({ text: " rm_zhang " })).toBe('username = "rm_zhang"');
    expect(userFilter({ text: "王经理", orgUnit: "orgUnits/0100", role: "roles/admin", state: "STATE_DISABLED" })).toBe(
      'display_name = "王经理" AND org_unit = "orgUnits/0100" AND roles = "roles/admin" AND state = STATE_DISABLED',
    );
    expect(userFilter({ text: 'a"b' })).toBe('display_name = "a\\"b"');
  });

  it("writes the audit filter, a bare login name as a user", () => {
    expect(auditFilter({ actor: "rm_zhang", kind: "KIND_VIEW" })).toBe('actor = "users/rm_zhang" AND kind = KIND_VIEW');
    expect(auditFilter({ service: "customer", actor: "services/feed", action: "customers.update", resource: "customers/1" })).toBe(
      'service = "customer" AND actor = "services/feed" AND action = "customers.update" AND resource = "customers/1"',
    );
  });
});

describe("formatting", () => {
  it("writes sizes, decodes files and tells a lock in force", async () => {
    expect(formatBytes("512")).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MB");
    expect(await base64Blob(btoa("a,b\r\n"), "text/csv").text()).toBe("a,b\r\n");
    expect(isLocked("2026-01-01T00:00:00Z", Date.parse("2025-12-31T00:00:00Z"))).toBe(true);
    expect(isLocked("2026-01-01T00:00:00Z", Date.parse("2026-01-02T00:00:00Z"))).toBe(false);
    expect(isLocked(undefined)).toBe(false);
  });
});
