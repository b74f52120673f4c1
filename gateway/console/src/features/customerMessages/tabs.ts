// Which 客户消息 tabs a user sees: 模板 with notification_templates.read (or .manage), 群发 and 群发记录 with
// customer_messages.send; the one asked for in the address when allowed, else the first.
export const MESSAGES_TABS = ["templates", "bulletin", "bulletins"] as const;
export type MessagesTab = (typeof MESSAGES_TABS)[number];

const TAB_PERMISSION: Record<MessagesTab, string[]> = {
  templates: ["notification_templates.read", "notification_templates.manage"],
  bulletin: ["customer_messages.send"],
  bulletins: ["customer_messages.send"],
};

export function visibleTabs(permissions: readonly string[] | undefined): MessagesTab[] {
  const held = new Set(permissions ?? []);
  return MESSAGES_TABS.filter((tab) => TAB_PERMISSION[tab].some((p) => held.has(p)));
}

export function chooseTab(requested: string | null | undefined, visible: readonly MessagesTab[]): MessagesTab | undefined {
  return visible.find((tab) => tab === requested) ?? visible[0];
}
