// The number of open alerts the signed-in user received, beside 预警中心 in the menu and the phone's bottom
// navigation (refetched when the push stream brings an alert).
import { Badge } from "antd";

import { useMe } from "@/lib/session";

import { useAlertCount } from "./api";
import { alertFilter } from "./logic";

export function OpenAlertsBadge() {
  const { data: me } = useMe();
  const count = useAlertCount(alertFilter({ state: "STATE_OPEN", mine: true }, me?.name), Boolean(me?.name));
  return <Badge count={count.data ?? 0} size="small" overflowCount={99} data-testid="alerts-badge" style={{ marginInlineStart: 6 }} />;
}
