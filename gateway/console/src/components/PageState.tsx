// Loading, error and empty states, the same on every page.
import { Alert, Button, Empty, Spin } from "antd";

import { useI18n } from "@/locales/i18n";

export function PageLoading() {
  const { t } = useI18n();
  return (
    <div className="kam-center" role="status">
      <Spin description={t("common.loading")} />
    </div>
  );
}

export function PageError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      title={t("common.error")}
      description={error instanceof Error ? error.message : String(error)}
      action={onRetry ? <Button onClick={onRetry}>{t("common.retry")}</Button> : undefined}
    />
  );
}

export function NoData() {
  const { t } = useI18n();
  return <Empty description={t("common.empty")} />;
}
