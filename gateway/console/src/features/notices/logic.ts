// The notice pages' model, without React: where an inbox item leads, an announcement's audience from the form and
// back in words, rich text from what was typed, and the read ratio.
import type { Schemas } from "@/lib/api/client";

export type Notification = Schemas["kam.notice.v1.Notification"];
export type Announcement = Schemas["kam.notice.v1.Announcement"];
export type Audience = Schemas["kam.notice.v1.Audience"];
export type NotificationSettings = Schemas["kam.notice.v1.NotificationSettings"];

/** The console page an inbox item's subject opens, where it has one. */
export function linkFor(subject: string | undefined): string | null {
  if (!subject) return null;
  const [kind, id] = subject.split("/");
  if (!id) return null;
  if (kind === "alerts") return `/alerts/${id}`;
  if (kind === "announcements") return `/announcements/${id}`;
  if (kind === "tasks") return `/tasks/${id}`;
  if (kind === "reports") return `/reports/${id}`; // a scheduled report delivered
  if (kind === "reportSchedules") return "/reports/schedules"; // one that did not deliver: the list says why
  return null;
}

export type InboxTab = "all" | "unread";

export function inboxFilter(tab: InboxTab): string {
  return tab === "unread" ? "read = false" : "";
}

export type AudienceKind = "all" | "orgUnits" | "roles" | "users";

export interface AudienceForm {
  kind: AudienceKind;
  orgUnits?: string[];
  /** Whether the chosen org units take in the units below them (the usual case). */
  withSubunits?: boolean;
  roles?: string[];
  users?: string[];
}

/** The API's audience for what the form chose. */
export function audienceOf(form: AudienceForm): Audience {
  switch (form.kind) {
    case "all":
      return { allUsers: true };
    case "orgUnits":
      return form.withSubunits === false ? { orgUnitsOnly: form.orgUnits ?? [] } : { orgUnits: form.orgUnits ?? [] };
    case "roles":
      return { roles: form.roles ?? [] };
    case "users":
      return { users: form.users ?? [] };
  }
}

/** The form's choice for a stored audience (the first part it names). */
export function audienceForm(audience: Audience | undefined): AudienceForm {
  if (!audience || audience.allUsers) return { kind: "all" };
  if (audience.orgUnits?.length) return { kind: "orgUnits", orgUnits: audience.orgUnits, withSubunits: true };
  if (audience.orgUnitsOnly?.length) return { kind: "orgUnits", orgUnits: audience.orgUnitsOnly, withSubunits: false };
  if (audience.roles?.length) return { kind: "roles", roles: audience.roles };
  return { kind: "users", users: audience.users ?? [] };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** What was typed as rich text: paragraphs at blank lines, line breaks kept, nothing taken as markup. */
export function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p>${p.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/** The text of stored rich text, for editing it again as typed text. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p[^>]*>/gi, "\n\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/** How many of the audience have read it, as a whole percentage (null when the audience is empty). */
export function readPercent(a: Pick<Announcement, "readCount" | "audienceCount">): number | null {
  const audience = Number(a.audienceCount ?? 0);
  if (!audience) return null;
  return Math.round((Number(a.readCount ?? 0) * 100) / audience);
}

export type AnnouncementTab = "current" | "history" | "scheduled";

export function announcementFilter(tab: AnnouncementTab): string {
  return { current: "", history: "state = STATE_EXPIRED", scheduled: "state = STATE_SCHEDULED" }[tab];
}

export type Attachment = Schemas["kam.notice.v1.Attachment"];

/** `announcements/{a}/attachments/{b}` → its two ids (empty strings for anything else). */
export function attachmentIds(name: string | undefined): { announcement: string; attachment: string } {
  const [kind, announcement, collection, attachment] = (name ?? "").split("/");
  return kind === "announcements" && collection === "attachments" && announcement && attachment
    ? { announcement, attachment }
    : { announcement: "", attachment: "" };
}
