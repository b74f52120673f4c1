// 客户消息 and 投递记录's server state. Keys start with the collection ("templates", "deliveries", "bulletins",
// "customerConsents"), so a change invalidates every view of it; a customer's messages are deliveries too.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";
import { resourceId } from "@/lib/format";

import { type Bulletin, type CustomerConsent, deliveryFilter, type DeliveryFilters, type Template, TEMPLATE_MASK } from "./logic";

export const DELIVERY_PAGE = 50;
export const PREVIEW_PAGE = 20;

export function useTemplates(enabled = true) {
  return useQuery({
    queryKey: ["templates", "list"],
    enabled,
    queryFn: async (): Promise<Template[]> => {
      const out: Template[] = [];
      let pageToken: string | undefined;
      do {
        const page = await must(api.GET("/v1/templates", { params: { query: { pageSize: 500, pageToken } } }));
        out.push(...(page.templates ?? []));
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
      return out;
    },
  });
}

export function useSaveTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (template: Template) =>
      template.name
        ? must(
            api.PATCH("/v1/templates/{template}", {
              params: { path: { template: resourceId(template.name) }, query: { updateMask: TEMPLATE_MASK } },
              body: template,
            }),
          )
        : must(api.POST("/v1/templates", { params: { query: { requestId: crypto.randomUUID() } }, body: template })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["templates"] }),
  });
}

export function useDeleteTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (template: Template) =>
      must(api.DELETE("/v1/templates/{template}", { params: { path: { template: resourceId(template.name) }, query: { etag: template.etag } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["templates"] }),
  });
}

export function useDeliveries(filters: DeliveryFilters, pageToken: string, pageSize = DELIVERY_PAGE, enabled = true) {
  const filter = deliveryFilter(filters);
  return useQuery({
    queryKey: ["deliveries", "list", filter, pageSize, pageToken],
    enabled,
    queryFn: () =>
      must(api.GET("/v1/deliveries", { params: { query: { filter: filter || undefined, pageSize, pageToken: pageToken || undefined } } })),
    placeholderData: keepPreviousData,
  });
}

export function useRetryDelivery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      must(api.POST("/v1/deliveries/{delivery}:retry", { params: { path: { delivery: resourceId(name) } }, body: { name } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["deliveries"] }),
  });
}

/** Who a bulletin would reach, one page (asked for when 预览 is pressed; nothing is sent). */
export function usePreviewBulletin(bulletin: Bulletin | null, pageToken: string) {
  return useQuery({
    queryKey: ["bulletins", "preview", bulletin, pageToken],
    enabled: Boolean(bulletin?.template),
    queryFn: () => must(api.POST("/v1/bulletins:preview", { body: { bulletin: bulletin!, pageSize: PREVIEW_PAGE, pageToken: pageToken || undefined } })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useCreateBulletin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ bulletin, requestId }: { bulletin: Bulletin; requestId: string }) =>
      must(api.POST("/v1/bulletins", { params: { query: { requestId } }, body: bulletin })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["bulletins"] });
      void client.invalidateQueries({ queryKey: ["deliveries"] });
    },
  });
}

export function useBulletins(pageToken: string, enabled = true) {
  return useQuery({
    queryKey: ["bulletins", "list", pageToken],
    enabled,
    queryFn: () => must(api.GET("/v1/bulletins", { params: { query: { pageSize: 50, pageToken: pageToken || undefined } } })),
    placeholderData: keepPreviousData,
  });
}

export function useConsent(customer: string, enabled = true) {
  return useQuery({
    queryKey: ["customerConsents", `customers/${customer}/consent`],
    enabled,
    queryFn: () => must(api.GET("/v1/customers/{customer}/consent", { params: { path: { customer } } })),
  });
}

export function useUpdateConsent(customer: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ consent, mask }: { consent: CustomerConsent; mask: string }) =>
      must(api.PATCH("/v1/customers/{customer}/consent", { params: { path: { customer }, query: { updateMask: mask } }, body: consent })),
    onSuccess: (saved) => client.setQueryData(["customerConsents", `customers/${customer}/consent`], saved),
  });
}

export function useSendCustomerMessage(customer: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ template, variables, requestId }: { template: string; variables: Record<string, string>; requestId: string }) =>
      must(
        api.POST("/v1/customers/{customer}:sendMessage", {
          params: { path: { customer } },
          body: { customer: `customers/${customer}`, template, variables, requestId },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["deliveries"] }),
  });
}
