// Attachments as every page shows them (an announcement's 公告附件, a task's 任务附件): the files chosen in a form,
// each checked before it is kept (size, count, extension: lib/attachments), and a resource's files, each downloaded
// when clicked and — where the caller may — removed.
import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from "@ant-design/icons";
import { App, Button, List, Popconfirm, Space, Typography, Upload, type UploadFile, type UploadProps } from "antd";
import { useState } from "react";

import {
  ATTACHMENT_ACCEPT,
  ATTACHMENT_MAX_COUNT,
  type AttachmentProblem,
  attachmentProblem,
  formatBytes,
} from "@/lib/attachments";
import { formatTime } from "@/lib/format";

/** A file chosen in a form, sent once what it belongs to is saved. */
export interface ChosenFile {
  uid: string;
  file: File;
}

/** An attachment as the services list it (kam.notice.v1.Attachment, kam.task.v1.TaskAttachment). */
export interface ListedFile {
  name?: string;
  fileName?: string;
  sizeBytes?: string | number;
  createTime?: string;
  uploader?: string;
  uploaderDisplayName?: string;
}

/** A form's file picker: the files already attached (`existing`, removable) and those chosen (`added`). A file
 * refused before sending is told with `problemText` and not kept. */
export function AttachmentPicker({
  existing = [],
  added,
  onAdd,
  onRemove,
  problemText,
  label,
  testId = "attachment-upload",
}: {
  existing?: ListedFile[];
  added: ChosenFile[];
  onAdd: (chosen: ChosenFile) => void;
  onRemove: (uid: string, existing: boolean) => void;
  problemText: (problem: AttachmentProblem, file: File) => string;
  label: string;
  testId?: string;
}) {
  const { message } = App.useApp();
  const fileList: UploadFile[] = [
    ...existing.map((a) => ({ uid: a.name!, name: `${a.fileName} (${formatBytes(a.sizeBytes)})`, status: "done" as const })),
    ...added.map((a) => ({ uid: a.uid, name: `${a.file.name} (${formatBytes(a.file.size)})`, status: "done" as const })),
  ];
  const pick: UploadProps["beforeUpload"] = (file, batch) => {
    const problem = attachmentProblem(file, fileList.length + batch.indexOf(file));
    if (problem) {
      void message.error(problemText(problem, file));
      return Upload.LIST_IGNORE;
    }
    onAdd({ uid: file.uid, file });
    return false; // kept here; sent once what it belongs to is saved
  };
  const unpick = (item: UploadFile) => {
    onRemove(item.uid, existing.some((a) => a.name === item.uid));
    return true;
  };
  return (
    <Upload multiple accept={ATTACHMENT_ACCEPT} fileList={fileList} beforeUpload={pick} onRemove={unpick} data-testid={testId}>
      <Button icon={<UploadOutlined />} disabled={fileList.length >= ATTACHMENT_MAX_COUNT}>
        {label}
      </Button>
    </Upload>
  );
}

/** A resource's files: each downloaded when its name is clicked (`onDownload` saves it and tells any error); with
 * `onDelete`, the files `mayDelete` allows have a remove button asking `deleteConfirm` first. */
export function AttachmentList({
  files,
  onDownload,
  onDelete,
  mayDelete = () => true,
  deleteLabel = "",
  deleteConfirm = () => "",
  showUploader = false,
  emptyText,
}: {
  files: ListedFile[];
  onDownload: (file: ListedFile) => Promise<void>;
  onDelete?: (file: ListedFile) => Promise<unknown>;
  mayDelete?: (file: ListedFile) => boolean;
  deleteLabel?: string;
  deleteConfirm?: (file: ListedFile) => string;
  showUploader?: boolean;
  emptyText?: string;
}) {
  const [busy, setBusy] = useState("");
  const run = async (name: string, action: () => Promise<unknown>) => {
    setBusy(name);
    try {
      await action();
    } finally {
      setBusy("");
    }
  };
  return (
    <List
      size="small"
      dataSource={files}
      locale={emptyText ? { emptyText } : undefined}
      renderItem={(file) => (
        <List.Item
          data-testid="attachment"
          actions={
            onDelete && mayDelete(file)
              ? [
                  <Popconfirm key="delete" title={deleteConfirm(file)} onConfirm={() => run(`delete:${file.name}`, () => onDelete(file))}>
                    <Button
                      type="text"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={`${deleteLabel} ${file.fileName ?? ""}`.trim()}
                      loading={busy === `delete:${file.name}`}
                      data-testid="attachment-delete"
                    />
                  </Popconfirm>,
                ]
              : undefined
          }
        >
          <Space wrap>
            <Button
              type="link"
              icon={<PaperClipOutlined />}
              loading={busy === file.name}
              onClick={() => void run(file.name ?? "", () => onDownload(file))}
              style={{ padding: 0, whiteSpace: "normal", textAlign: "start", height: "auto" }}
            >
              {file.fileName}
            </Button>
            <Typography.Text type="secondary">
              {formatBytes(file.sizeBytes)} · {formatTime(file.createTime)}
              {showUploader && (file.uploaderDisplayName || file.uploader) ? ` · ${file.uploaderDisplayName || file.uploader}` : ""}
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}
