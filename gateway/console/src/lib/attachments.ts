// Files attached to a resource — an announcement's (公告附件) or a task's (任务附件): what is checked before a file is
// sent (the services check it again, and the type by the file's content: kam_kit.attachments, one rule for both),
// sizes for people, the base64 that proto `bytes` travel as in JSON, and uploads one after the other with each
// failure named.

/** The services' default limits (`KAM_NOTICE_ATTACHMENT_MAX_BYTES`, `KAM_TASK_ATTACHMENT_MAX_BYTES`; 10 files each). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MAX_COUNT = 10;
/** What the file picker offers: PDF, images, Word, Excel, PowerPoint, text and CSV. */
export const ATTACHMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.docx,.xlsx,.pptx,.doc,.xls,.txt,.csv";

export type AttachmentProblem = "tooLarge" | "empty" | "type" | "tooMany";

/** Why a chosen file cannot be attached before it is sent (null: send it; the API has the last word). */
export function attachmentProblem(file: { name: string; size: number }, alreadyAttached: number): AttachmentProblem | null {
  if (alreadyAttached >= ATTACHMENT_MAX_COUNT) return "tooMany";
  if (file.size === 0) return "empty";
  if (file.size > ATTACHMENT_MAX_BYTES) return "tooLarge";
  const extension = file.name.includes(".") ? `.${file.name.split(".").pop()!.toLowerCase()}` : "";
  if (!ATTACHMENT_ACCEPT.split(",").includes(extension)) return "type";
  return null;
}

/** A size in bytes for people: 932 B, 3.5 KB, 12 MB. */
export function formatBytes(size: number | string | undefined): string {
  let n = Number(size ?? 0);
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${i === 0 ? n : n.toFixed(n >= 10 ? 0 : 1)} ${units[i]}`;
}

/** A file's bytes as base64 (proto `bytes` in JSON), in chunks so a 10 MB file does not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of a base64 value. */
export function base64ToBytes(content: string): Uint8Array<ArrayBuffer> {
  const binary = atob(content);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A chosen file's content as base64, for an upload request's `content`. */
export async function fileContent(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

/** A download's answer (the attachment's metadata and its base64 `content`) as a Blob of its type, with its name. */
export function downloadedFile(got: { attachment?: { fileName?: string; contentType?: string }; content?: string }): {
  fileName: string;
  blob: Blob;
} {
  const type = got.attachment?.contentType || "application/octet-stream";
  return { fileName: got.attachment?.fileName || "attachment", blob: new Blob([base64ToBytes(got.content ?? "")], { type }) };
}

/** A file that could not be sent (or removed), with what went wrong. */
export interface FileFailure {
  fileName: string;
  error: unknown;
}

/** Runs `send` for each item in order, one at a time (each request carries up to 14 MB); a failure is kept with its
 * name (`label`) and the others still go. */
export async function eachInTurn<T>(items: readonly T[], label: (item: T) => string, send: (item: T) => Promise<unknown>): Promise<FileFailure[]> {
  const failures: FileFailure[] = [];
  for (const item of items) {
    try {
      await send(item);
    } catch (error) {
      failures.push({ fileName: label(item), error });
    }
  }
  return failures;
}
