// The gateway's push stream (GET /v1/push, Server-Sent Events, the session cookie): each message names a resource
// (`customers/42`, `scanJobs/7`); the cached answers about it and its collection are refetched, so lists and counts
// change without a reload. EventSource reconnects by itself and resumes after the last event it saw.
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

/** The kinds services push today: a key customer's tier changed (customer service), an alert raised, repeated or
 * escalated (alert service), an inbox item (notice service), an activity logged in a campaign (task service:
 * `campaigns/{id}` to head office, its creator and the branch managers above the customer — 营销成果 refreshes).
 * Later services add theirs. */
export const PUSH_KINDS = [
  "customer.tierChanged",
  "alert.raised",
  "alert.repeated",
  "alert.escalated",
  "notification.created",
  "campaign.progress",
] as const;

interface PushMessage {
  kind?: string;
  resource?: string;
}

/** The query keys a pushed resource touches: the resource itself and its collection (`["customers", …]`). */
export function keysFor(resource: string): string[][] {
  const parts = resource.split("/");
  if (parts.length < 2) return [];
  const keys = [[parts[0]]];
  keys.push([parts[0], parts[1]]);
  return keys;
}

export function applyPush(client: QueryClient, message: PushMessage): void {
  // an inbox item about any resource: the inbox and its unread badge
  if (message.kind === "notification.created") void client.invalidateQueries({ queryKey: ["notifications"] });
  if (!message.resource) return;
  for (const key of keysFor(message.resource)) void client.invalidateQueries({ queryKey: key });
  if (message.resource.startsWith("customers/")) void client.invalidateQueries({ queryKey: ["stats"] });
}

/** The collections pushes refresh (an inbox item's resource may be an announcement, a task, a report …). */
export const PUSHED_COLLECTIONS = new Set([
  "notifications",
  "customers",
  "stats",
  "alerts",
  "campaigns",
  "announcements",
  "tasks",
  "scanJobs",
]);

/** When the stream opens: what was read before it (or is still being read) may have missed a push sent before the
 * stream was there — a page loaded a moment before an announcement, whose push came before the stream connected —
 * so those of the pushed collections are read again. Reconnections resume after the last event seen; this only
 * closes the gap before the first one. */
export function resync(client: QueryClient, openedAt: number): void {
  void client.invalidateQueries({
    predicate: (query) =>
      PUSHED_COLLECTIONS.has(String(query.queryKey[0])) &&
      (query.state.dataUpdatedAt < openedAt || query.state.fetchStatus === "fetching"),
  });
}

export function usePushStream(enabled: boolean): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/v1/push", { withCredentials: true });
    source.onopen = () => resync(client, Date.now());
    const onMessage = (event: MessageEvent<string>) => {
      try {
        applyPush(client, JSON.parse(event.data) as PushMessage);
      } catch {
        // a message that is not JSON is not for the console
      }
    };
    source.onmessage = onMessage;
    // the SSE event is the message's kind (`<resource type>.<change>`): one listener per kind the console knows
    for (const kind of PUSH_KINDS) source.addEventListener(kind, onMessage as EventListener);
    return () => source.close();
  }, [client, enabled]);
}
