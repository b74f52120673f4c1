// The signed-in user (GET /v1/users/me) and what they may do. The API stays the authority; the console hides what
// the caller's permissions would refuse anyway.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { ApiError, api, must, type User } from "./api/client";

export const ME_KEY = ["me"] as const;

/** Who is signed in (null when nobody is): the query the app starts with, shared by useMe. */
export const meQuery = queryOptions({
    queryKey: ME_KEY,
    queryFn: async (): Promise<User | null> => {
      try {
        return await must(api.GET("/v1/users/me"));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null; // not signed in
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
});

export function useMe() {
  return useQuery(meQuery);
}

/** Whether the user holds the permission (or, for a list, any of them). */
export function can(user: User | null | undefined, permission: string | string[] | undefined): boolean {
  if (!permission) return true;
  const wanted = Array.isArray(permission) ? permission : [permission];
  return wanted.some((p) => user?.permissions?.includes(p));
}

export type Audience = "own" | "branch" | "bank";

/** Whose figures the home page shows: a relationship manager's own, a branch's, or the whole bank's. */
export function audienceOf(user: User | null | undefined): Audience {
  const roles = user?.roles ?? [];
  if (user?.dataScope === "DATA_SCOPE_OWN" || roles.includes("roles/relationship_manager")) return "own";
  if (user?.dataScope === "DATA_SCOPE_ORG_UNIT" || user?.dataScope === "DATA_SCOPE_ORG_UNIT_TREE") return "branch";
  if (roles.includes("roles/branch_manager")) return "branch";
  return "bank";
}
