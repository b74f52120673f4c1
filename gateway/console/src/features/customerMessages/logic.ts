// 客户消息 and 投递记录 without React: the variables a template may use and its preview from sample values, the
// delivery log's filter, a bulletin's segment from the composer's choices, and how a delivery's state reads.
import type { Schemas } from "@/lib/api/client";

export type Template = Schemas["kam.notice.v1.Template"];
export type Delivery = Schemas["kam.notice.v1.Delivery"];
export type Bulletin = Schemas["kam.notice.v1.Bulletin"];
export type BulletinRecipient = Schemas["kam.notice.v1.BulletinRecipient"];
export type CustomerSegment = Schemas["kam.notice.v1.CustomerSegment"];
export type CustomerConsent = Schemas["kam.notice.v1.CustomerConsent"];
export type DeliveryState = NonNullable<Delivery["state"]>;
export type TemplateCategory = NonNullable<Template["category"]>;

/** Every variable a template may use (the service refuses any other when the template is saved). */
export const VARIABLES = [
  "customer_name",
  "salutation",
  "amount",
  "date",
  "time",
  "rm_name",
  "rm_phone",
  "branch_name",
  "product_name",
  "festival",
  "maturity_date",
  "account_tail",
  "bank_name",
] as const;
export type Variable = (typeof VARIABLES)[number];

/** The variables the service fills in per customer when a bulletin or a message leaves them out. */
export const PER_CUSTOMER: readonly string[] = ["customer_name", "salutation", "rm_name", "rm_phone", "branch_name"];

/** Sample values for the editor's live preview (what a real message would carry). */
export const SAMPLE_VALUES: Record<Variable, string> = {
  customer_name: "张伟",
  salutation: "尊敬的张伟先生",
  amount: "¥1,000,000.00",
  date: "2026-01-28",
  time: "10:30",
  rm_name: "李娜",
  rm_phone: "138****8000",
  branch_name: "北京东城支行",
  product_name: "稳盈一号理财",
  festival: "春节",
  maturity_date: "2026-03-31",
  account_tail: "8888",
  bank_name: "KAM 银行",
};

export const CATEGORIES: TemplateCategory[] = ["CATEGORY_GREETING", "CATEGORY_NEWS", "CATEGORY_RELATIONSHIP"];
export const TEMPLATE_CHANNELS = ["CHANNEL_SMS", "CHANNEL_EMAIL"] as const;
export const DELIVERY_STATES: DeliveryState[] = ["STATE_PENDING", "STATE_SENT", "STATE_DELIVERED", "STATE_FAILED", "STATE_SUPPRESSED"];
export const DELIVERY_CHANNELS = ["CHANNEL_SMS", "CHANNEL_EMAIL", "CHANNEL_WEBHOOK"] as const;
/** Customer types as a segment names them (the customer service's TYPE_INDIVIDUAL / TYPE_CORPORATE). */
export const SEGMENT_TYPES = ["PERSONAL", "CORPORATE"] as const;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variables `text` names, in order of first use (as the service reads them: spaces inside the braces). */
export function variablesOf(text: string | undefined): string[] {
  return [...new Set([...(text ?? "").matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** The variables `text` names that no template may use. */
export function unknownVariables(text: string | undefined): string[] {
  return variablesOf(text).filter((name) => !(VARIABLES as readonly string[]).includes(name));
}

export interface PreviewPart {
  text: string;
  /** The variable this part stands for (filled from a value, or shown as `{{name}}` when there is none). */
  variable?: string;
  missing?: boolean;
}

/** `text` as a customer would read it, in parts: each placeholder filled from `values` (a missing one kept as
 * `{{name}}` and marked, so the preview shows what is not filled). */
export function renderParts(text: string | undefined, values: Readonly<Record<string, string | undefined>>): PreviewPart[] {
  const parts: PreviewPart[] = [];
  let last = 0;
  const source = text ?? "";
  for (const m of source.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push({ text: source.slice(last, m.index) });
    const name = m[1]!;
    const value = values[name];
    parts.push(value ? { text: value, variable: name } : { text: `{{${name}}}`, variable: name, missing: true });
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return parts;
}

/** `text` with its placeholders filled (what the preview shows, as one string). */
export function renderPreview(text: string | undefined, values: Readonly<Record<string, string | undefined>>): string {
  return renderParts(text, values)
    .map((p) => p.text)
    .join("");
}

/** `text` with `{{variable}}` put at `at` (the cursor; the end when unknown), and where the cursor goes after it. */
export function insertVariable(text: string | undefined, variable: string, at?: number | null): { text: string; cursor: number } {
  const source = text ?? "";
  const position = at === undefined || at === null || at < 0 || at > source.length ? source.length : at;
  const token = `{{${variable}}}`;
  return { text: source.slice(0, position) + token + source.slice(position), cursor: position + token.length };
}

/** Only the values of variables that were filled in (an empty field is left to the service). */
export function filledVariables(values: Readonly<Record<string, string | undefined>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values ?? {})) if (value && value.trim()) out[name] = value.trim();
  return out;
}

/** The variables a sender types for a template: those it uses, less the ones the service fills per customer. */
export function variablesToAsk(template: Pick<Template, "subject" | "body" | "enSubject" | "enBody"> | undefined): string[] {
  if (!template) return [];
  const used = variablesOf([template.subject, template.body, template.enSubject, template.enBody].filter(Boolean).join("\n"));
  return used.filter((v) => !PER_CUSTOMER.includes(v));
}

// ---- templates

export interface TemplateValues {
  displayName: string;
  category: TemplateCategory;
  channel: (typeof TEMPLATE_CHANNELS)[number];
  subject?: string;
  body: string;
  enSubject?: string;
  enBody?: string;
}

/** The API's template for what the form holds (subjects only for e-mail). */
export function templateOf(values: TemplateValues, editing?: Template): Template {
  const email = values.channel === "CHANNEL_EMAIL";
  return {
    ...(editing?.name ? { name: editing.name, etag: editing.etag } : {}),
    displayName: values.displayName.trim(),
    category: values.category,
    channel: values.channel,
    subject: email ? (values.subject ?? "") : "",
    body: values.body,
    enSubject: email ? (values.enSubject ?? "") : "",
    enBody: values.enBody ?? "",
  };
}

export const TEMPLATE_MASK = "displayName,category,channel,subject,body,enSubject,enBody";

// ---- the delivery log

export interface DeliveryFilters {
  state?: string;
  channel?: string;
  /** `customers/…`, `users/…`, or a bare customer id. */
  recipient?: string;
  trigger?: string;
}

const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** A recipient as the API names it: a bare id is a customer's. */
export function recipientName(input: string | undefined): string | undefined {
  const value = input?.trim();
  if (!value) return undefined;
  return value.startsWith("customers/") || value.startsWith("users/") ? value : `customers/${value}`;
}

/** The AIP-160 filter the delivery log asks for (values quoted; the service checks them). */
export function deliveryFilter(f: DeliveryFilters): string {
  const terms: string[] = [];
  if (f.state) terms.push(`state = ${f.state}`);
  if (f.channel) terms.push(`channel = ${f.channel}`);
  const recipient = recipientName(f.recipient);
  if (recipient) terms.push(`recipient = ${quote(recipient)}`);
  if (f.trigger) terms.push(`trigger = ${quote(f.trigger)}`);
  return terms.join(" AND ");
}

/** The delivery log's filters from the address (`?state=STATE_FAILED&channel=…&recipient=…`), and back. */
export function deliveryFiltersFromParams(params: URLSearchParams): DeliveryFilters {
  const state = params.get("state") ?? undefined;
  const channel = params.get("channel") ?? undefined;
  return {
    state: state && (DELIVERY_STATES as string[]).includes(state) ? state : undefined,
    channel: channel && (DELIVERY_CHANNELS as readonly string[]).includes(channel) ? channel : undefined,
    recipient: params.get("recipient") || undefined,
    trigger: params.get("trigger") || undefined,
  };
}

export function deliveryFiltersToParams(f: DeliveryFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(f)) if (value) out.set(key, String(value));
  return out;
}

export type Tone = "processing" | "success" | "error" | "warning" | "default";

/** A delivery state's colour: waiting blue, sent/delivered green, failed red, suppressed amber. */
export function stateTone(state: string | undefined): Tone {
  switch (state) {
    case "STATE_PENDING":
      return "processing";
    case "STATE_SENT":
    case "STATE_DELIVERED":
      return "success";
    case "STATE_FAILED":
      return "error";
    case "STATE_SUPPRESSED":
      return "warning";
    default:
      return "default";
  }
}

/** Whether a delivery may be retried now (only a failed one). */
export function canRetry(d: Pick<Delivery, "state"> | undefined): boolean {
  return d?.state === "STATE_FAILED";
}

/** What a delivery's recipient / trigger links to in the console, if anything. */
export function linkOf(name: string | undefined): string | null {
  if (!name) return null;
  const [kind, id] = name.split("/");
  if (!id) return null;
  if (kind === "customers") return `/customers/${id}`;
  if (kind === "alerts") return `/alerts/${id}`;
  return null;
}

// ---- bulletins

export interface SegmentForm {
  tiers?: string[];
  orgUnits?: string[];
  relationshipManagers?: string[];
  types?: string[];
}

/** The API's segment for the composer's choices (lists left empty are not sent: an empty segment is everyone
 * in the sender's scope). */
export function segmentOf(form: SegmentForm | undefined): CustomerSegment {
  const out: CustomerSegment = {};
  if (form?.tiers?.length) out.tiers = [...form.tiers];
  if (form?.orgUnits?.length) out.orgUnits = [...form.orgUnits];
  if (form?.relationshipManagers?.length) out.relationshipManagers = [...form.relationshipManagers];
  if (form?.types?.length) out.types = [...form.types];
  return out;
}

export interface BulletinForm {
  template?: string;
  segment?: SegmentForm;
  variables?: Record<string, string | undefined>;
}

/** The API's bulletin for the composer's form. */
export function bulletinOf(form: BulletinForm): Bulletin {
  return { template: form.template ?? "", segment: segmentOf(form.segment), variables: filledVariables(form.variables) };
}

/** The same bulletin as a stable string (a preview belongs to exactly the bulletin it was asked for). */
export function bulletinKey(b: Bulletin): string {
  const sorted = (v?: string[]) => [...(v ?? [])].sort();
  const s = b.segment ?? {};
  return JSON.stringify([
    b.template,
    sorted(s.tiers),
    sorted(s.orgUnits),
    sorted(s.relationshipManagers),
    sorted(s.types),
    Object.entries(b.variables ?? {}).sort(([a], [c]) => a.localeCompare(c)),
  ]);
}

// ---- consent

export interface ConsentValues {
  smsOptIn: boolean;
  emailOptIn: boolean;
  source: string;
}

/** The consent to save (with the etag it was read with) and the fields that changed, as the update mask. */
export function consentUpdate(current: CustomerConsent, values: ConsentValues): { consent: CustomerConsent; mask: string } {
  const changed: string[] = [];
  if (Boolean(current.smsOptIn) !== values.smsOptIn) changed.push("smsOptIn");
  if (Boolean(current.emailOptIn) !== values.emailOptIn) changed.push("emailOptIn");
  if ((current.source ?? "") !== values.source.trim()) changed.push("source");
  return {
    consent: { name: current.name, etag: current.etag, smsOptIn: values.smsOptIn, emailOptIn: values.emailOptIn, source: values.source.trim() },
    mask: changed.join(","),
  };
}
