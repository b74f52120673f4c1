import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { applyPush, keysFor, resync } from "./push";

function clientWith(keys: string[][], at: number): QueryClient {
  const client = new QueryClient();
  for (const key of keys) client.setQueryData(key, { read: true }, { updatedAt: at });
  return client;
}

const invalidated = (client: QueryClient, key: string[]) => client.getQueryState(key)?.isInvalidated;

describe("push", () => {
  it("names a pushed resource's query keys: the resource and its collection", () => {
    expect(keysFor("customers/42")).toEqual([["customers"], ["customers", "42"]]);
    expect(keysFor("nothing")).toEqual([]);
  });

  it("refreshes what a push touches, and the inbox for any inbox item", () => {
    const client = clientWith([["notifications"], ["alerts", "a1"], ["alerts"], ["customers"], ["stats"], ["tasks"]], 1);
    applyPush(client, { kind: "notification.created", resource: "alerts/a1" });
    expect(invalidated(client, ["notifications"])).toBe(true);
    expect(invalidated(client, ["alerts", "a1"])).toBe(true);
    expect(invalidated(client, ["customers"])).toBe(false);
    applyPush(client, { kind: "customer.tierChanged", resource: "customers/7" });
    expect(invalidated(client, ["customers"])).toBe(true);
    expect(invalidated(client, ["stats"])).toBe(true);
    expect(invalidated(client, ["tasks"])).toBe(false);
  });

  it("reads the pushed collections again when the stream opens after they were read (a push may have been missed)", () => {
    const client = clientWith([["notifications"], ["announcements"], ["reports", "r1"], ["users"]], 1_000);
    client.setQueryData(["tasks"], { read: true }, { updatedAt: 3_000 });
    resync(client, 2_000);
    expect(invalidated(client, ["notifications"])).toBe(true);
    expect(invalidated(client, ["announcements"])).toBe(true);
    expect(invalidated(client, ["tasks"])).toBe(false); // read after the stream opened
    expect(invalidated(client, ["reports", "r1"])).toBe(false); // not something pushes refresh
    expect(invalidated(client, ["users"])).toBe(false);
  });
});
