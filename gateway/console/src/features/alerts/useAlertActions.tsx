// The state changes the list (bulk) and the detail page (one alert) offer: acknowledge at once; snooze, stop and
// resolve through the dialog. A stale etag (someone else changed the alert meanwhile) says so.
import { App } from "antd";
import { useState } from "react";

import { errorText } from "@/features/control/shared";
import { ApiError } from "@/lib/api/client";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { type AlertChange, useChangeAlerts } from "./api";
import type { AlertAction, AlertItem } from "./logic";
import { ActionDialog, type ActionInput } from "./parts";

export function useAlertActions(onDone?: () => void) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const change = useChangeAlerts();
  const [pending, setPending] = useState<{ action: AlertAction; alerts: AlertItem[] } | null>(null);

  function run(action: AlertAction, alerts: AlertItem[], input: ActionInput = {}) {
    const changes = alerts.map((a): AlertChange => {
      const id = resourceId(a.name);
      const etag = a.etag;
      if (action === "snooze") return { action, id, etag, until: input.until ?? "" };
      if (action === "stop") return { action, id, etag, note: input.note ?? "", silenceRuleUntil: input.silenceRuleUntil };
      if (action === "resolve") return { action, id, etag, note: input.note ?? "" };
      return { action, id, etag };
    });
    change.mutate(changes, {
      onSuccess: (count) => {
        void message.success(t("alerts.done", { count }));
        setPending(null);
        onDone?.();
      },
      onError: (error) => {
        void message.error(error instanceof ApiError && error.code === "ABORTED" ? t("alerts.stale") : errorText(error, t));
      },
    });
  }

  function start(action: AlertAction, alerts: AlertItem[]) {
    if (action === "acknowledge") run(action, alerts);
    else setPending({ action, alerts });
  }

  const dialog = (
    <ActionDialog
      action={pending?.action ?? null}
      busy={change.isPending}
      onCancel={() => setPending(null)}
      onDone={(input) => pending && run(pending.action, pending.alerts, input)}
    />
  );
  return { start, dialog, busy: change.isPending };
}
