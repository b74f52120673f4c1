// The first scan's progress on every page but the 工作台 (which shows its own): until the first scan of a new
// installation — `make run`'s demo bank, say — has finished, the console has no customers to show; this says why.
// Shown to whoever may read scan jobs (scans.read), while the scan KAM started by itself (TRIGGER_STARTUP) runs.
import { Alert, Progress } from "antd";
import { useLocation } from "react-router-dom";

import { isRunning, useLatestScan } from "@/features/scans/api";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

export function FirstScanBanner() {
  const { t } = useI18n();
  const { data: me } = useMe();
  const { pathname } = useLocation();
  const allowed = can(me, "scans.read");
  const job = useLatestScan(allowed);
  if (!allowed || pathname === "/" || job?.trigger !== "TRIGGER_STARTUP" || !isRunning(job.state)) return null;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="first-scan-banner"
      title={t("home.scanRunning")}
      description={<Progress percent={Math.round(job.progressPercent ?? 0)} size="small" style={{ maxWidth: 320 }} />}
    />
  );
}
