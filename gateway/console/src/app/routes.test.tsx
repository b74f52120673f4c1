import { QueryClient } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { Suspense } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";

import { lazyPage, prefetchRoute, routeFor, startRoute } from "./routes";

// openapi-fetch takes `fetch` and `Request` when the client module loads: stub them before any import runs. Every
// request is recorded; /v1/users/me answers with the user the test sets (401 when none).
const net = vi.hoisted(() => {
  const state: { requested: string[]; me: unknown } = { requested: [], me: null };
  const NativeRequest = globalThis.Request;
  globalThis.Request = class extends NativeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" && input.startsWith("/") ? new URL(input, "http://localhost") : input, init);
    }
  };
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input), "http://localhost");
    state.requested.push(url.pathname + url.search);
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    if (url.pathname === "/v1/users/me") return state.me ? json(200, state.me) : json(401, { error: { code: 401 } });
    if (url.pathname === "/v1/auth:refresh") return json(401, { error: { code: 401 } });
    return json(200, {});
  }) as typeof fetch;
  return state;
});

const RM = { name: "users/rm", username: "rm_zhang", permissions: ["customers.read"] } as unknown as User;
const NOBODY = { name: "users/x", username: "x", permissions: [] } as unknown as User;

const settle = () => new Promise((done) => setTimeout(done, 50));

beforeEach(() => {
  net.requested.length = 0;
  net.me = null;
});
afterEach(cleanup);

describe("lazyPage", () => {
  it("suspends before its chunk is in, and renders at once (no fallback) after a preload", async () => {
    const page = lazyPage(async () => ({ default: () => <p>the page</p> }));
    render(
      <Suspense fallback={<p>loading</p>}>
        <page.page />
      </Suspense>,
    );
    expect(screen.getByText("loading")).toBeTruthy();
    cleanup();

    await page.preload();
    render(
      <Suspense fallback={<p>loading</p>}>
        <page.page />
      </Suspense>,
    );
    // synchronously, in the first commit: nothing for React's fallback throttle to hold back
    expect(screen.getByText("the page")).toBeTruthy();
    expect(screen.queryByText("loading")).toBeNull();
  });
});

describe("routeFor", () => {
  it("matches a 360 address to the 360 route and nothing to an unknown one", () => {
    expect(routeFor("/customers/c42")?.path).toBe("/customers/:id");
    expect(routeFor("/customers")?.path).toBe("/customers");
    // 自动任务 before the task detail's /tasks/:id, which its address also matches
    expect(routeFor("/tasks/automation")?.path).toBe("/tasks/automation");
    expect(routeFor("/tasks/42")?.path).toBe("/tasks/:id");
    expect(routeFor("/nowhere")).toBeUndefined();
  });
});

describe("prefetchRoute", () => {
  it("starts a 360 page's queries for a user who may open it", async () => {
    prefetchRoute("/customers/c42", new QueryClient(), RM);
    await settle();
    expect(net.requested).toEqual(
      expect.arrayContaining([
        "/v1/customers/c42?piiView=PII_VIEW_BASIC",
        "/v1/customers/c42/tier",
        "/v1/customers/c42/tierAssignments?pageSize=20",
      ]),
    );
  });

  it("asks nothing for a user without the page's permission", async () => {
    prefetchRoute("/customers/c42", new QueryClient(), NOBODY);
    await settle();
    expect(net.requested).toEqual([]);
  });
});

describe("startRoute", () => {
  it("asks who is signed in, then the page's queries in the same breath", async () => {
    net.me = RM;
    const client = new QueryClient();
    await startRoute("/customers/c7", client);
    await settle();
    expect(net.requested[0]).toBe("/v1/users/me");
    expect(net.requested).toContain("/v1/customers/c7?piiView=PII_VIEW_BASIC");
    expect(client.getQueryData(["me"])).toMatchObject({ username: "rm_zhang" });
  });

  it("asks nothing more for a visitor who is not signed in", async () => {
    const client = new QueryClient();
    await startRoute("/customers/c7", client);
    await settle();
    expect(net.requested.some((url) => url.startsWith("/v1/customers/c7"))).toBe(false);
    expect(client.getQueryData(["me"])).toBeNull();
  });
});
