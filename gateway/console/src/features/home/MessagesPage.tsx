// 消息: the user's notifications. The notice service delivers them (its issue); until it answers, the page says so.
import { Empty } from "antd";

import { useI18n } from "@/locales/i18n";

export default function MessagesPage() {
  const { t } = useI18n();
  return <Empty description={t("home.widgetsLater")} />;
}
