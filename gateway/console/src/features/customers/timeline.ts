// The 360's 时间线: the customer's interactions and the messages the bank sent them (客户消息), newest first.
import type { Schemas } from "@/lib/api/client";

type Interaction = Schemas["kam.customer.v1.Interaction"];
type Delivery = Schemas["kam.notice.v1.Delivery"];

export type TimelineEntry =
  | { key: string; time: string; kind: "interaction"; interaction: Interaction }
  | { key: string; time: string; kind: "message"; delivery: Delivery };

/** Interactions (by when they happened) and messages (by when they were made) in one list, newest first. */
export function timelineEntries(interactions: readonly Interaction[], deliveries: readonly Delivery[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...interactions.map((i) => ({ key: i.name ?? "", time: i.occurTime || i.createTime || "", kind: "interaction" as const, interaction: i })),
    ...deliveries.map((d) => ({ key: d.name ?? "", time: d.createTime ?? "", kind: "message" as const, delivery: d })),
  ];
  return entries.sort((a, b) => Date.parse(b.time || "1970-01-01T00:00:00Z") - Date.parse(a.time || "1970-01-01T00:00:00Z"));
}
