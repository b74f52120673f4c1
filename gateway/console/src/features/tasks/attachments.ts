// 任务附件: who may add and remove a task's files (the service's rules: anyone who sees the task adds while it is
// neither cancelled nor accepted; the uploader or the task's assigner removes), the requests (the checks, base64 and
// one-at-a-time uploads are lib/attachments, shared with announcements), and the uploads 新建任务 makes once its
// task or tasks exist — every file to every task made, each failure named.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, must, type Schemas } from "@/lib/api/client";
import { downloadedFile, eachInTurn, type FileFailure, fileContent } from "@/lib/attachments";

import type { Caller, Task } from "./logic";

export type TaskAttachment = Schemas["kam.task.v1.TaskAttachment"];

/** A cancelled or accepted task is a closed record: its files no longer change. */
export function mayChangeAttachments(task: Pick<Task, "state">): boolean {
  return task.state !== "STATE_CANCELLED" && task.state !== "STATE_ACCEPTED";
}

/** Whether the caller may remove a file: its uploader or the task's assigner, while the task is not closed. */
export function mayDeleteAttachment(task: Pick<Task, "state" | "assigner">, file: TaskAttachment, me: Caller | undefined): boolean {
  return Boolean(me?.name) && mayChangeAttachments(task) && (file.uploader === me?.name || task.assigner === me?.name);
}

/** `tasks/{t}/attachments/{a}` → its two ids (empty strings for anything else). */
export function taskAttachmentIds(name: string | undefined): { task: string; attachment: string } {
  const [kind, task, collection, attachment] = (name ?? "").split("/");
  return kind === "tasks" && collection === "attachments" && task && attachment ? { task, attachment } : { task: "", attachment: "" };
}

/** Every file to every task: the uploads after 新建任务, each named by the file — and, when several tasks were
 * made, by whose task it is. */
export function uploadsFor(tasks: Pick<Task, "name" | "assignee" | "assigneeDisplayName">[], files: File[]): { task: string; file: File; label: string }[] {
  return tasks.flatMap((task) =>
    files.map((file) => ({
      task: task.name ?? "",
      file,
      label: tasks.length > 1 ? `${file.name} → ${task.assigneeDisplayName || task.assignee || task.name}` : file.name,
    })),
  );
}

/** Attaches a file to the task `parent` (`tasks/{id}`); its bytes go as base64. */
export async function uploadTaskAttachment(parent: string, file: File): Promise<TaskAttachment> {
  return must(
    api.POST("/v1/tasks/{task}/attachments", {
      params: { path: { task: parent.split("/")[1]! } },
      body: { parent, fileName: file.name, content: await fileContent(file) },
    }),
  );
}

export async function deleteTaskAttachment(name: string) {
  return must(api.DELETE("/v1/tasks/{task}/attachments/{attachment}", { params: { path: taskAttachmentIds(name) } }));
}

/** A file's content as a Blob of its type, with its file name. */
export async function downloadTaskAttachment(name: string): Promise<{ fileName: string; blob: Blob }> {
  return downloadedFile(await must(api.GET("/v1/tasks/{task}/attachments/{attachment}:download", { params: { path: taskAttachmentIds(name) } })));
}

/** Uploads files to tasks one at a time (each failure kept with its label); the tasks are refetched after. */
export function useUploadTaskFiles() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (uploads: { task: string; file: File; label: string }[]): Promise<FileFailure[]> =>
      eachInTurn(uploads, (u) => u.label, (u) => uploadTaskAttachment(u.task, u.file)),
    onSettled: () => client.invalidateQueries({ queryKey: ["tasks"] }),
  });
}

/** Removes a file; the tasks are refetched after. */
export function useDeleteTaskAttachment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => deleteTaskAttachment(name),
    onSettled: () => client.invalidateQueries({ queryKey: ["tasks"] }),
  });
}
