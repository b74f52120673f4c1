import { describe, expect, it } from "vitest";

import { timelineEntries } from "./timeline";

describe("the 360's timeline", () => {
  it("puts interactions and messages in one list, newest first, each by its own time", () => {
    const entries = timelineEntries(
      [
        { name: "customers/c1/interactions/a", type: "TYPE_CALL", occurTime: "2026-12-01T02:00:00Z", createTime: "2026-12-05T00:00:00Z", summary: "电话回访" },
        { name: "customers/c1/interactions/b", type: "TYPE_VISIT", occurTime: "", createTime: "2026-12-03T00:00:00Z", summary: "面谈" },
      ],
      [{ name: "deliveries/d1", createTime: "2026-12-02T00:00:00Z", renderedBody: "祝您生日快乐" }],
    );
    expect(entries.map((e) => [e.kind, e.key])).toEqual([
      ["interaction", "customers/c1/interactions/b"],
      ["message", "deliveries/d1"],
      ["interaction", "customers/c1/interactions/a"],
    ]);
  });

  it("is empty when there is nothing", () => {
    expect(timelineEntries([], [])).toEqual([]);
  });
});
