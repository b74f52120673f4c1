// The signed-in user's unread inbox items, beside 消息 in the menu and the phone's bottom navigation (refetched
// when the push stream brings a notification).
import { Badge } from "antd";

import { useUnreadCount } from "./api";

export function UnreadBadge() {
  const count = useUnreadCount();
  return <Badge count={count.data ?? 0} size="small" overflowCount={99} data-testid="messages-badge" style={{ marginInlineStart: 6 }} />;
}
