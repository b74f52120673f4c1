// 任务详情's 附件 card: the task's files in upload order, each downloaded when clicked and — for its uploader or the
// task's assigner — removed; an upload button for anyone who sees the task while it is not cancelled or accepted
// (files checked for size, count and extension before they are sent; each failure named).
import { UploadOutlined } from "@ant-design/icons";
import { App, Button, Card, Typography, Upload, type UploadProps } from "antd";
import { useRef } from "react";

import { AttachmentList, type ListedFile } from "@/components/Attachments";
import { errorText, saveBlob, showError } from "@/features/control/shared";
import { ATTACHMENT_ACCEPT, ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_COUNT, attachmentProblem, formatBytes } from "@/lib/attachments";
import { useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import {
  downloadTaskAttachment,
  mayChangeAttachments,
  mayDeleteAttachment,
  type TaskAttachment,
  useDeleteTaskAttachment,
  useUploadTaskFiles,
} from "./attachments";
import type { Task } from "./logic";

export function TaskAttachments({ task }: { task: Task }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const upload = useUploadTaskFiles();
  const remove = useDeleteTaskAttachment();
  const files = task.attachments ?? [];
  const open = mayChangeAttachments(task);
  // files picked together arrive one by one: counted with those of the same pick not yet listed
  const pending = useRef(0);

  const pick: UploadProps["beforeUpload"] = (file, batch) => {
    const before = files.length + pending.current;
    const problem = attachmentProblem(file, before + batch.indexOf(file));
    if (problem) {
      void message.error(t(`tasks.attachment_${problem}`, { name: file.name, max: formatBytes(ATTACHMENT_MAX_BYTES), count: ATTACHMENT_MAX_COUNT }));
    }
    if (file === batch[batch.length - 1]) {
      // the last of a pick: its files that passed go, one at a time
      const chosen = batch.filter((f, i) => !attachmentProblem(f, before + i));
      if (!chosen.length) return Upload.LIST_IGNORE;
      pending.current += chosen.length;
      upload.mutate(
        chosen.map((f) => ({ task: task.name ?? "", file: f, label: f.name })),
        {
          onSuccess: (failures) => {
            failures.forEach((f) => void message.error(t("tasks.attachmentFailed", { name: f.fileName, error: errorText(f.error, t) })));
            if (failures.length < chosen.length) void message.success(t("tasks.attachmentsUploaded", { count: chosen.length - failures.length }));
          },
          onSettled: () => {
            pending.current -= chosen.length;
          },
        },
      );
    }
    return Upload.LIST_IGNORE; // sent by the mutation, not by Upload
  };

  const download = async (file: ListedFile) => {
    try {
      const { fileName, blob } = await downloadTaskAttachment(file.name!);
      saveBlob(fileName, blob);
    } catch (e) {
      showError(e, message, t);
    }
  };
  const drop = (file: ListedFile) =>
    remove
      .mutateAsync(file.name!)
      .then(() => void message.success(t("tasks.attachmentDeleted", { name: file.fileName ?? "" })))
      .catch((e: unknown) => showError(e, message, t));

  if (!files.length && !open) return null;
  return (
    <Card
      size="small"
      title={files.length ? t("tasks.attachmentsCount", { count: files.length }) : t("tasks.attachments")}
      style={{ marginTop: 12 }}
      data-testid="task-attachments"
      extra={
        open ? (
          <Upload multiple accept={ATTACHMENT_ACCEPT} showUploadList={false} beforeUpload={pick} data-testid="task-attachment-upload">
            <Button size="small" icon={<UploadOutlined />} loading={upload.isPending} disabled={files.length >= ATTACHMENT_MAX_COUNT}>
              {t("tasks.uploadAttachment")}
            </Button>
          </Upload>
        ) : null
      }
    >
      <AttachmentList
        files={files}
        onDownload={download}
        onDelete={drop}
        mayDelete={(file) => mayDeleteAttachment(task, file as TaskAttachment, me ?? undefined)}
        deleteLabel={t("tasks.deleteAttachment")}
        deleteConfirm={(file) => t("tasks.deleteAttachmentConfirm", { name: file.fileName ?? "" })}
        showUploader
        emptyText={t("tasks.noAttachments")}
      />
      {open ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("tasks.attachmentHintDetail", { max: formatBytes(ATTACHMENT_MAX_BYTES), count: ATTACHMENT_MAX_COUNT })}
        </Typography.Text>
      ) : null}
    </Card>
  );
}
