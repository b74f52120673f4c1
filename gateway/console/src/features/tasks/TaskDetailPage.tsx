// 任务详情: every field of the task, its state, the completion record (处理方式, 工作内容, 完成时间) and the
// assigner's review (accepted, or returned with the reason, and how often), the actions the caller may take now
// (TaskActions), the attachments (TaskAttachments: download, upload, remove), the comments (list and add) and the
// history (任务轨迹: who did what when, each field's value before → after, the note given).
import { ArrowLeftOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Col, Descriptions, Input, List, Row, Space, Tag, Timeline, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { PageError, PageLoading } from "@/components/PageState";
import { OriginLink } from "@/features/automation/OriginLink";
import { campaignQuery } from "@/features/campaigns/api";
import { useAllOrgUnits } from "@/features/control/api";
import { errorText } from "@/features/control/shared";
import { formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useAddTaskComment, useTask, useTaskComments, useTaskHistory } from "./api";
import { changeValue, type ChangeLabels, fieldKey, personName, type Task, type TaskHistoryEntry } from "./logic";
import { DueTime, PriorityTag, TaskCustomers, TaskStateTag, useUserOptions } from "./parts";
import { TaskActions } from "./TaskActions";
import { TaskAttachments } from "./TaskAttachments";

const ACTION_COLORS: Record<string, string> = {
  created: "blue",
  updated: "gray",
  started: "blue",
  completed: "green",
  accepted: "green",
  returned: "red",
  cancelled: "gray",
  commented: "gray",
  attached: "blue",
  detached: "gray",
};

const pre = { whiteSpace: "pre-wrap", wordBreak: "break-word" } as const;

/** The campaign the task executes: its 营销执行 page, by the campaign's name. */
function CampaignLink({ campaign }: { campaign: string }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const id = resourceId(campaign);
  const found = useQuery({ ...campaignQuery(id), enabled: can(me, "campaigns.read") });
  return (
    <Link to={`/campaigns/${id}/targets`} data-testid="task-campaign">
      {found.data?.displayName ? t("tasks.campaignExecuteNamed", { name: found.data.displayName }) : t("tasks.campaignExecute")}
    </Link>
  );
}

function Fields({ task }: { task: Task }) {
  const { t } = useI18n();
  const phone = useIsPhone();
  const { data: me } = useMe();
  const units = useAllOrgUnits(can(me, "org_units.read"));
  const unitName = (unit: string | undefined) => (units.data ?? []).find((u) => u.name === unit)?.displayName || resourceId(unit);
  return (
    <Descriptions size="small" column={phone ? 1 : 2} bordered styles={{ label: { whiteSpace: "nowrap" } }} data-testid="task-fields">
      {task.purpose ? (
        <Descriptions.Item label={t("tasks.purpose")} span={phone ? 1 : 2}>
          <div style={pre}>{task.purpose}</div>
        </Descriptions.Item>
      ) : null}
      {task.description ? (
        <Descriptions.Item label={t("tasks.description")} span={phone ? 1 : 2}>
          <div style={pre}>{task.description}</div>
        </Descriptions.Item>
      ) : null}
      <Descriptions.Item label={t("tasks.assigner")}>{personName(task, "assigner")}</Descriptions.Item>
      <Descriptions.Item label={t("tasks.assignee")}>{personName(task, "assignee")}</Descriptions.Item>
      <Descriptions.Item label={t("tasks.dueTime")}>
        <DueTime task={task} />
      </Descriptions.Item>
      <Descriptions.Item label={t("tasks.orgUnit")}>{unitName(task.orgUnit)}</Descriptions.Item>
      {task.customer ? (
        <Descriptions.Item label={t("tasks.customer")}>
          <TaskCustomers task={task} named />
        </Descriptions.Item>
      ) : null}
      {task.parentTask ? (
        <Descriptions.Item label={t("tasks.parentTask")}>
          <Link to={`/tasks/${resourceId(task.parentTask)}`}>{resourceId(task.parentTask)}</Link>
        </Descriptions.Item>
      ) : null}
      {task.campaign ? (
        <Descriptions.Item label={t("tasks.campaign")}>
          <CampaignLink campaign={task.campaign} />
        </Descriptions.Item>
      ) : null}
      {task.origin ? (
        <Descriptions.Item label={t("automation.origin.label")}>
          <OriginLink origin={task.origin} />
        </Descriptions.Item>
      ) : null}
      <Descriptions.Item label={t("tasks.createTime")}>{formatTime(task.createTime)}</Descriptions.Item>
      {task.startTime ? <Descriptions.Item label={t("tasks.startTime")}>{formatTime(task.startTime)}</Descriptions.Item> : null}
      {task.closeTime ? <Descriptions.Item label={t("tasks.closeTime")}>{formatTime(task.closeTime)}</Descriptions.Item> : null}
      {task.state === "STATE_CANCELLED" ? (
        <Descriptions.Item label={t("tasks.cancelReason")} span={phone ? 1 : 2}>
          <div style={pre}>{task.cancelReason}</div>
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}

function CompletionCard({ task, userName }: { task: Task; userName: (user?: string) => string }) {
  const { t, enumText } = useI18n();
  const c = task.completion;
  const r = task.review;
  if (!c && !r && !task.returnCount) return null;
  return (
    <Card size="small" title={t("tasks.completion")} style={{ marginTop: 12 }} data-testid="task-completion">
      <Descriptions size="small" column={1}>
        {c ? (
          <>
            <Descriptions.Item label={t("tasks.handling")}>{c.handling}</Descriptions.Item>
            <Descriptions.Item label={t("tasks.content")}>
              <div style={pre}>{c.content}</div>
            </Descriptions.Item>
            <Descriptions.Item label={t("tasks.completeTime")}>{formatTime(c.completeTime)}</Descriptions.Item>
            {c.interactionType && c.interactionType !== "TYPE_UNSPECIFIED" ? (
              <Descriptions.Item label={t("tasks.loggedAs")}>{enumText("interactionType", c.interactionType)}</Descriptions.Item>
            ) : null}
          </>
        ) : null}
        {r ? (
          <>
            <Descriptions.Item label={t("tasks.review")}>
              <Tag color={r.accepted ? "green" : "red"} data-testid="task-review">
                {t(r.accepted ? "tasks.reviewAccepted" : "tasks.reviewReturned")}
              </Tag>
              <span className="kam-muted">
                {userName(r.reviewer)} · {formatTime(r.reviewTime)}
              </span>
            </Descriptions.Item>
            {r.comment ? (
              <Descriptions.Item label={t(r.accepted ? "tasks.reviewRemark" : "tasks.returnReason")}>
                <div style={pre}>{r.comment}</div>
              </Descriptions.Item>
            ) : null}
          </>
        ) : null}
        {task.returnCount ? <Descriptions.Item label={t("tasks.returnCount")}>{task.returnCount}</Descriptions.Item> : null}
      </Descriptions>
    </Card>
  );
}

function History({ entries, labels }: { entries: TaskHistoryEntry[]; labels: ChangeLabels }) {
  const { t, enumText } = useI18n();
  return (
    <Timeline
      data-testid="task-history"
      items={entries.map((e, i) => ({
        key: `${e.time}|${i}`,
        color: ACTION_COLORS[e.action ?? ""] ?? "blue",
        content: (
          <div data-testid="task-history-entry">
            <Typography.Text strong>{enumText("taskAction", e.action)}</Typography.Text>
            <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
              {e.actorDisplayName || resourceId(e.actor)} · {formatTime(e.time)}
            </Typography.Text>
            {(e.changes ?? []).map((c) => (
              <div key={c.field} className="kam-muted" style={{ wordBreak: "break-word" }}>
                {enumText("taskField", fieldKey(c.field))}：{changeValue(c.field, c.before, labels) || t("tasks.emptyValue")} →{" "}
                {changeValue(c.field, c.after, labels) || t("tasks.emptyValue")}
              </div>
            ))}
            {e.note ? <div style={pre}>{e.note}</div> : null}
          </div>
        ),
      }))}
    />
  );
}

function Comments({ id }: { id: string }) {
  const { t } = useI18n();
  const comments = useTaskComments(id);
  const add = useAddTaskComment(id);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState("");
  const send = () =>
    draft.trim() &&
    add.mutate(draft.trim(), {
      onSuccess: () => setDraft(""),
      onError: (e) => setProblem(errorText(e, t)),
    });
  return (
    <Card size="small" title={t("tasks.comments")} style={{ marginTop: 12 }}>
      {comments.error ? <PageError error={comments.error} onRetry={() => void comments.refetch()} /> : null}
      <List
        size="small"
        loading={comments.isPending}
        dataSource={comments.data?.comments ?? []}
        locale={{ emptyText: t("tasks.noComments") }}
        renderItem={(c) => (
          <List.Item key={c.name} data-testid="task-comment">
            <List.Item.Meta
              title={`${c.authorDisplayName || resourceId(c.author)} · ${formatTime(c.createTime)}`}
              description={<div style={pre}>{c.text}</div>}
            />
          </List.Item>
        )}
      />
      <Space.Compact style={{ width: "100%", marginTop: 8 }}>
        <Input
          value={draft}
          maxLength={2000}
          placeholder={t("tasks.commentPlaceholder")}
          aria-label={t("tasks.commentPlaceholder")}
          status={problem ? "error" : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setProblem("");
          }}
          onPressEnter={send}
          data-testid="task-comment-input"
        />
        <Button type="primary" disabled={!draft.trim()} loading={add.isPending} onClick={send} data-testid="task-comment-add">
          {t("tasks.addComment")}
        </Button>
      </Space.Compact>
      {problem ? <Typography.Text type="danger">{problem}</Typography.Text> : null}
    </Card>
  );
}

export default function TaskDetailPage() {
  const { id = "" } = useParams();
  const { t, enumText } = useI18n();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const task = useTask(id);
  const history = useTaskHistory(id);
  const users = useUserOptions(can(me, "users.read"));

  if (task.isPending) return <PageLoading />;
  if (task.error) return <PageError error={task.error} onRetry={() => void task.refetch()} />;
  const x = task.data;
  const labels: ChangeLabels = {
    priority: (v) => enumText("taskPriority", v),
    state: (v) => enumText("taskState", v),
    interactionType: (v) => enumText("interactionType", v),
    user: (name) => users.name(name),
  };

  return (
    <div data-testid="task-detail">
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate("/tasks")} style={{ marginBottom: 8 }}>
        {t("tasks.back")}
      </Button>
      <Card
        size="small"
        title={
          <Space wrap>
            <PriorityTag task={x} />
            <TaskStateTag state={x.state} />
            <span data-testid="task-title" style={{ whiteSpace: "normal" }}>
              {x.title}
            </span>
          </Space>
        }
      >
        <TaskActions task={x} />
        <Fields task={x} />
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <CompletionCard task={x} userName={users.name} />
          <TaskAttachments task={x} />
          <Comments id={id} />
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t("tasks.history")} style={{ marginTop: 12 }}>
            {history.error ? (
              <PageError error={history.error} onRetry={() => void history.refetch()} />
            ) : (
              <History entries={history.data?.entries ?? []} labels={labels} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
