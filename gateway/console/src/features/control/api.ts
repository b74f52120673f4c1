// The control center's server state. Query keys start with the collection, so a change invalidates every view of it.
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, must, type Schemas } from "@/lib/api/client";

import { auditFilter, type AuditFilters, userFilter, type UserFilters } from "./logic";

export type OrgUnit = Schemas["kam.identity.v1.OrgUnit"];
export type Role = Schemas["kam.identity.v1.Role"];
export type Permission = Schemas["kam.identity.v1.Permission"];
export type ServiceAccount = Schemas["kam.identity.v1.ServiceAccount"];
export type Backup = Schemas["kam.identity.v1.Backup"];
export type ServiceRestore = Schemas["kam.api.v1.ServiceRestore"];
export type AuditRecord = Schemas["kam.audit.v1.AuditRecord"];
export type SystemHealth = Schemas["kam.identity.v1.SystemHealth"];

export const USER_PAGE = 20;
export const AUDIT_PAGE = 50;

export function useUserPage(filters: UserFilters, pageToken: string) {
  const filter = userFilter(filters);
  return useQuery({
    queryKey: ["users", "control", filter, pageToken],
    queryFn: () =>
      must(api.GET("/v1/users", { params: { query: { pageSize: USER_PAGE, pageToken: pageToken || undefined, filter: filter || undefined } } })),
    placeholderData: keepPreviousData,
  });
}

/** Every org unit (all pages), for the tree and the pickers. */
export function useAllOrgUnits(enabled = true) {
  return useQuery({
    queryKey: ["orgUnits", "control"],
    enabled,
    queryFn: async (): Promise<OrgUnit[]> => {
      const out: OrgUnit[] = [];
      let pageToken: string | undefined;
      do {
        const page = await must(api.GET("/v1/orgUnits", { params: { query: { pageSize: 500, pageToken } } }));
        out.push(...(page.orgUnits ?? []));
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
      return out;
    },
    staleTime: 60_000,
  });
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: ["roles", "all"],
    enabled,
    queryFn: async () => (await must(api.GET("/v1/roles"))).roles ?? [],
    staleTime: 60_000,
  });
}

export function usePermissions() {
  return useQuery({
    queryKey: ["permissions"],
    queryFn: async () => (await must(api.GET("/v1/permissions"))).permissions ?? [],
    staleTime: 300_000,
  });
}

export function useServiceAccounts() {
  return useQuery({
    queryKey: ["serviceAccounts", "all"],
    queryFn: async () => {
      const out: ServiceAccount[] = [];
      let pageToken: string | undefined;
      do {
        const page = await must(api.GET("/v1/serviceAccounts", { params: { query: { pageSize: 500, pageToken } } }));
        out.push(...(page.serviceAccounts ?? []));
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
      return out;
    },
  });
}

export function useBackups(pageToken: string) {
  return useQuery({
    queryKey: ["backups", pageToken],
    queryFn: () => must(api.GET("/v1/backups", { params: { query: { pageSize: 20, pageToken: pageToken || undefined } } })),
    placeholderData: keepPreviousData,
  });
}

export interface AuditQuery extends AuditFilters {
  startTime?: string;
  endTime?: string;
}

export function auditParams(q: AuditQuery) {
  const filter = auditFilter(q);
  return { filter: filter || undefined, startTime: q.startTime, endTime: q.endTime };
}

export function useAuditRecords(q: AuditQuery, pageToken: string) {
  const params = auditParams(q);
  return useQuery({
    queryKey: ["auditRecords", params, pageToken],
    queryFn: () =>
      must(api.GET("/v1/auditRecords", { params: { query: { ...params, pageSize: AUDIT_PAGE, pageToken: pageToken || undefined } } })),
    placeholderData: keepPreviousData,
  });
}

export function useSystemHealth(enabled = true) {
  return useQuery({
    queryKey: ["systemHealth"],
    enabled,
    queryFn: () => must(api.GET("/v1/systemHealth")),
    staleTime: 10_000,
  });
}

/** Display names by resource name, for tables that hold only names. */
export function namesOf<T extends { name?: string; displayName?: string }>(items: readonly T[] | undefined): Map<string, string> {
  return new Map((items ?? []).filter((i) => i.name).map((i) => [i.name!, i.displayName || i.name!]));
}
