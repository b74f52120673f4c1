// What made a task when not a person (`Task.origin`), for the task's detail: 由周期任务「…」生成, 由触发模板「…」生成
// or 由营销活动「…」生成, linked to where it is read (the recurring task or playbook on 自动任务, the campaign on its
// page), named by reading it (the words without the name when the caller may not read it or it is gone).
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";

import { campaignQuery } from "@/features/campaigns/api";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { playbookQuery, recurringTaskQuery } from "./api";
import { originLink } from "./logic";

export function OriginLink({ origin }: { origin?: string }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const link = originLink(origin);
  const id = link?.id ?? "";
  const retry = { retry: false } as const;
  const recurring = useQuery({ ...recurringTaskQuery(id), ...retry, enabled: link?.kind === "recurring" && can(me, "tasks.read") });
  const playbook = useQuery({ ...playbookQuery(id), ...retry, enabled: link?.kind === "playbook" && can(me, "tasks.read") });
  const campaign = useQuery({ ...campaignQuery(id), ...retry, enabled: link?.kind === "campaign" && can(me, "campaigns.read") });
  if (!link) return null;
  const name = { recurring: recurring.data?.task?.title, playbook: playbook.data?.displayName, campaign: campaign.data?.displayName }[link.kind];
  return (
    <Link to={link.to} data-testid="task-origin">
      {name ? t(`automation.origin.${link.kind}`, { name }) : t(`automation.origin.${link.kind}Unnamed`)}
    </Link>
  );
}
