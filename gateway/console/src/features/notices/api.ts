// The notice pages' server state. Inbox keys start with "notifications" (a pushed `notification.created`
// refetches them: lib/push.ts), announcement keys with "announcements".
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";
import { downloadedFile, eachInTurn, fileContent } from "@/lib/attachments";

import { type Announcement, type NotificationSettings, attachmentIds } from "./logic";

export const INBOX_PAGE = 20;

/** The active users an announcement can name (the first 500; the picker searches them by name). */
export function useActiveUsers(enabled: boolean) {
  return useQuery({
    queryKey: ["users", "active"],
    enabled,
    queryFn: async () =>
      (await must(api.GET("/v1/users", { params: { query: { pageSize: 500, filter: "state = STATE_ACTIVE" } } }))).users ?? [],
    staleTime: 60_000,
  });
}

export function useInbox(filter: string, pageToken: string) {
  return useQuery({
    queryKey: ["notifications", "list", filter, pageToken],
    queryFn: () =>
      must(
        api.GET("/v1/users/{user}/notifications", {
          params: { path: { user: "me" }, query: { filter: filter || undefined, pageSize: INBOX_PAGE, pageToken: pageToken || undefined } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** The signed-in user's unread count (one item asked for; the answer's total). */
export function useUnreadCount(enabled = true) {
  return useQuery({
    queryKey: ["notifications", "unread"],
    enabled,
    queryFn: async () =>
      (await must(api.GET("/v1/users/{user}/notifications", { params: { path: { user: "me" }, query: { filter: "read = false", pageSize: 1 } } })))
        .totalSize ?? 0,
  });
}

export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => {
      const [, user, , notification] = name.split("/");
      return must(api.POST("/v1/users/{user}/notifications/{notification}:markRead", { params: { path: { user: user!, notification: notification! } }, body: { name } }));
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["notifications"] }),
  });
}

export function useMarkAllRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => must(api.POST("/v1/users/{user}/notifications:markAllRead", { params: { path: { user: "me" } }, body: { parent: "users/me" } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["notifications"] }),
  });
}

export function useSettings(enabled: boolean) {
  return useQuery({
    queryKey: ["notifications", "settings"],
    enabled,
    queryFn: () => must(api.GET("/v1/users/{user}/notificationSettings", { params: { path: { user: "me" } } })),
  });
}

export function useUpdateSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: NotificationSettings) =>
      must(
        api.PATCH("/v1/users/{user}/notificationSettings", {
          params: {
            path: { user: "me" },
            query: { updateMask: `channels,channelPreferences,quietHoursStart,quietHoursEnd,webhookUri${settings.webhookSecret ? ",webhookSecret" : ""}` },
          },
          body: settings,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["notifications", "settings"] }),
  });
}

export function useAnnouncements(filter: string) {
  return useQuery({
    queryKey: ["announcements", "list", filter],
    queryFn: () => must(api.GET("/v1/announcements", { params: { query: { filter: filter || undefined, pageSize: 200 } } })),
  });
}

export function useAnnouncement(id: string) {
  return useQuery({
    queryKey: ["announcements", `announcements/${id}`],
    queryFn: () => must(api.GET("/v1/announcements/{announcement}", { params: { path: { announcement: id } } })),
  });
}

export function useAnnouncementReads(id: string, read: boolean, enabled: boolean) {
  return useQuery({
    queryKey: ["announcements", `announcements/${id}`, "reads", read],
    enabled,
    queryFn: () =>
      must(
        api.GET("/v1/announcements/{announcement}/reads", {
          params: { path: { announcement: id }, query: { filter: `read = ${read}`, pageSize: 1000 } },
        }),
      ),
  });
}

export function useSaveAnnouncement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (a: Announcement) =>
      a.name
        ? must(
            api.PATCH("/v1/announcements/{announcement}", {
              params: {
                path: { announcement: a.name.split("/")[1]! },
                query: { updateMask: "title,content,audience,expireTime,pinned,importance" },
              },
              body: a,
            }),
          )
        : must(api.POST("/v1/announcements", { body: a })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["announcements"] }),
  });
}

export function useDeleteAnnouncement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (a: Announcement) =>
      must(api.DELETE("/v1/announcements/{announcement}", { params: { path: { announcement: a.name!.split("/")[1]! }, query: { etag: a.etag } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["announcements"] }),
  });
}

export function useMarkAnnouncementRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => must(api.POST("/v1/announcements/{announcement}:markRead", { params: { path: { announcement: id } }, body: { name: `announcements/${id}` } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["announcements"] }),
  });
}

/** Attaches a file to an announcement (`parent`, `announcements/{id}`); its bytes go as base64. */
export async function uploadAttachment(parent: string, file: File) {
  return must(
    api.POST("/v1/announcements/{announcement}/attachments", {
      params: { path: { announcement: parent.split("/")[1]! } },
      body: { parent, fileName: file.name, content: await fileContent(file) },
    }),
  );
}

export async function deleteAttachment(name: string) {
  const ids = attachmentIds(name);
  return must(api.DELETE("/v1/announcements/{announcement}/attachments/{attachment}", { params: { path: ids } }));
}

/** An attachment's content as a Blob of its type, with its file name. */
export async function downloadAttachment(name: string): Promise<{ fileName: string; blob: Blob }> {
  return downloadedFile(await must(api.GET("/v1/announcements/{announcement}/attachments/{attachment}:download", { params: { path: attachmentIds(name) } })));
}

/** Applies an editor's attachment changes after its announcement is saved: removals, then uploads in order. Each
 * failure is reported with the file's name; the others still go. */
export function useApplyAttachments() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ parent, removed, added }: { parent: string; removed: { name: string; fileName: string }[]; added: File[] }) => [
      ...(await eachInTurn(removed, (r) => r.fileName, (r) => deleteAttachment(r.name))),
      ...(await eachInTurn(added, (file) => file.name, (file) => uploadAttachment(parent, file))),
    ],
    onSettled: () => client.invalidateQueries({ queryKey: ["announcements"] }),
  });
}
