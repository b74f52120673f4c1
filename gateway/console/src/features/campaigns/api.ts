// 营销's server state. Every key starts with ["campaigns", <id>]: a pushed `campaigns/{id}` resource (kind
// `campaign.progress`, an activity logged — lib/push.ts) refetches that campaign's figures, targets and
// activities; a change made here refetches every list. The results and activities also refetch every 30 s, in
// case a push is missed.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";
import { resourceId } from "@/lib/format";

import type { Campaign, CampaignActivity, CampaignTarget, Preview } from "./logic";

export const CAMPAIGN_PAGE = 20;
export const TARGET_PAGE = 50;
/** The fallback refresh of the live figures (the push stream tells sooner). */
export const LIVE_REFRESH_MS = 30_000;

export function useCampaignPage(filter: string, pageToken: string, pageSize = CAMPAIGN_PAGE, enabled = true) {
  return useQuery({
    queryKey: ["campaigns", "list", filter, pageSize, pageToken],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () =>
      must(api.GET("/v1/campaigns", { params: { query: { filter: filter || undefined, pageSize, pageToken: pageToken || undefined } } })),
  });
}

export const campaignQuery = (id: string) =>
  queryOptions({
    queryKey: ["campaigns", id],
    queryFn: () => must(api.GET("/v1/campaigns/{campaign}", { params: { path: { campaign: id } } })),
  });

export function useCampaign(id: string, live = false) {
  return useQuery({ ...campaignQuery(id), enabled: Boolean(id), refetchInterval: live ? LIVE_REFRESH_MS : false });
}

export function useCampaignResults(id: string, enabled = true) {
  return useQuery({
    queryKey: ["campaigns", id, "results"],
    enabled: Boolean(id) && enabled,
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
    queryFn: () => must(api.GET("/v1/campaigns/{campaign}/results", { params: { path: { campaign: id } } })),
  });
}

export function useCampaignActivities(id: string, pageToken: string, enabled = true) {
  return useQuery({
    queryKey: ["campaigns", id, "activities", pageToken],
    enabled: Boolean(id) && enabled,
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
    queryFn: () =>
      must(api.GET("/v1/campaigns/{campaign}/activities", { params: { path: { campaign: id }, query: { pageSize: 20, pageToken: pageToken || undefined } } })),
  });
}

export function useCampaignRevisions(id: string, enabled = true) {
  return useQuery({
    queryKey: ["campaigns", id, "revisions"],
    enabled: Boolean(id) && enabled,
    queryFn: () => must(api.GET("/v1/campaigns/{campaign}/revisions", { params: { path: { campaign: id } } })),
  });
}

export const targetsKey = (id: string, filter: string, pageToken: string) => ["campaigns", id, "targets", filter, pageToken] as const;

export function useCampaignTargets(id: string, filter: string, pageToken: string, enabled = true) {
  return useQuery({
    queryKey: targetsKey(id, filter, pageToken),
    enabled: Boolean(id) && enabled,
    placeholderData: keepPreviousData,
    queryFn: () =>
      must(
        api.GET("/v1/campaigns/{campaign}/targets", {
          params: { path: { campaign: id }, query: { filter: filter || undefined, pageSize: TARGET_PAGE, pageToken: pageToken || undefined } },
        }),
      ),
  });
}

/** The live count of the builder: who the plan targets now (nothing stored). Keyed by the request as composed,
 * which the builder debounces. */
export function usePreview(request: { campaign: Campaign; sampleSize: number } | null) {
  return useQuery({
    queryKey: ["campaigns", "preview", request ? JSON.stringify(request) : ""],
    enabled: request !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    queryFn: (): Promise<Preview> => must(api.POST("/v1/campaigns:previewTargets", { body: request! })),
  });
}

/** 保存草稿: CreateCampaign (with the plan's request id) or UpdateCampaign (with the etag read and the mask). */
export function useSaveCampaign() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (r: { kind: "create"; campaign: Campaign; requestId: string } | { kind: "update"; campaign: Campaign; mask: string[] }): Promise<Campaign> =>
      r.kind === "create"
        ? must(api.POST("/v1/campaigns", { params: { query: { requestId: r.requestId } }, body: r.campaign }))
        : must(
            api.PATCH("/v1/campaigns/{campaign}", {
              params: { path: { campaign: resourceId(r.campaign.name) }, query: { updateMask: r.mask.join(",") } },
              body: r.campaign,
            }),
          ),
    onSuccess: (saved) => client.setQueryData(campaignQuery(resourceId(saved.name)).queryKey, saved),
    onSettled: () => client.invalidateQueries({ queryKey: ["campaigns"] }),
  });
}

export type StateChange = "launch" | "complete" | "cancel";

/** 启动, 结束, 取消, always with the etag the page read (a stale one is ABORTED: someone else changed it). */
export function changeState(campaign: Campaign, action: StateChange): Promise<Campaign> {
  const name = campaign.name ?? "";
  const path = { campaign: resourceId(name) };
  const body = { name, etag: campaign.etag };
  if (action === "launch") return must(api.POST("/v1/campaigns/{campaign}:launch", { params: { path }, body }));
  if (action === "complete") return must(api.POST("/v1/campaigns/{campaign}:complete", { params: { path }, body }));
  return must(api.POST("/v1/campaigns/{campaign}:cancel", { params: { path }, body }));
}

export function useChangeState() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ campaign, action }: { campaign: Campaign; action: StateChange }) => changeState(campaign, action),
    onSuccess: (saved) => client.setQueryData(campaignQuery(resourceId(saved.name)).queryKey, saved),
    // the launch made tasks too
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: ["campaigns"] }), client.invalidateQueries({ queryKey: ["tasks"] })]),
  });
}

/** 记录: CreateCampaignActivity with the form's request id; the campaign's figures and lists are refetched. */
export function useRecordActivity(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ activity, requestId }: { activity: CampaignActivity; requestId: string }) =>
      must(api.POST("/v1/campaigns/{campaign}/activities", { params: { path: { campaign: id }, query: { requestId } }, body: activity })),
    onSettled: () => client.invalidateQueries({ queryKey: ["campaigns", id] }),
  });
}

/** 分配给: AssignCampaignTargets; the targets as they are now. */
export function useAssignTargets(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ targets, manager }: { targets: string[]; manager: string }): Promise<CampaignTarget[]> =>
      must(
        api.POST("/v1/campaigns/{campaign}/targets:assign", {
          params: { path: { campaign: id } },
          body: { parent: `campaigns/${id}`, targets, relationshipManager: manager },
        }),
      ).then((r) => r.campaignTargets ?? []),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: ["campaigns", id] }), client.invalidateQueries({ queryKey: ["tasks"] })]),
  });
}
