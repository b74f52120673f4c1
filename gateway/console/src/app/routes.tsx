// The one route table: it drives the router, the side menu, the phone's bottom navigation and the permission each
// page needs (the same permission names the API enforces). Pages load lazily, one chunk each.
import {
  AlertOutlined,
  BarChartOutlined,
  BellOutlined,
  CarryOutOutlined,
  ControlOutlined,
  DashboardOutlined,
  DeploymentUnitOutlined,
  FundOutlined,
  RiseOutlined,
  MailOutlined,
  NotificationOutlined,
  SendOutlined,
  SearchOutlined,
  SettingOutlined,
  TeamOutlined,
  TrophyOutlined,
} from "@ant-design/icons";
import type { QueryClient } from "@tanstack/react-query";
import { type ComponentType, lazy, type ReactNode, useState } from "react";

import {
  activeRuleSetsQuery,
  customerPageQuery,
  customerQuery,
  customerTierQuery,
  statsQuery,
  tierHistoryQuery,
  TOP_CUSTOMERS,
} from "@/features/customers/api";
import { OpenAlertsBadge } from "@/features/alerts/badge";
import { UnreadBadge } from "@/features/notices/badge";
import type { User } from "@/lib/api/client";
import { can, meQuery } from "@/lib/session";

export interface AppRoute {
  path: string;
  /** The locale key of its label (nav.*). */
  label: string;
  icon?: ReactNode;
  /** The permission the page needs (any of a list); the menu hides it otherwise. */
  permission?: string | string[];
  page: ComponentType;
  /** Loads the page's chunk (at once for the address the app opens on, ahead of a likely click elsewhere). */
  preload: () => Promise<unknown>;
  /** Its first queries (see Prefetch). */
  prefetch?: Prefetch;
  /** Shown in the side menu (desktop). */
  menu?: boolean;
  /** Shown in the bottom navigation (phone). */
  phone?: boolean;
  /** A count shown beside its menu label (open alerts). */
  badge?: ComponentType;
}

/** A page's first queries, started before it mounts (with the signed-in user and the address, e.g. the 360
 * page's customer id). They live here, in the app's first chunk, so they start the moment the user is known
 * rather than after the page's chunk has been evaluated. */
export type Prefetch = (client: QueryClient, me: User, pathname: string) => void;

type PageModule = { default: ComponentType };

/** A page in its own chunk, loaded with its route. Once the chunk is in (preloaded), the page renders at once:
 * a route that suspends is held back by React's fallback throttle (~300 ms) even when its chunk arrives a moment
 * later, which was a third of the home page's first render. Whether to render directly is decided at mount, so a
 * mounted page keeps its component (and state) when the chunk arrives. */
export function lazyPage(load: () => Promise<PageModule>): Pick<AppRoute, "page" | "preload"> {
  let loaded: PageModule | undefined;
  // once in, the module is handed over at once (a repeated import() resolves a task later, behind a render)
  const preload = () =>
    loaded
      ? Promise.resolve(loaded)
      : load().then((module) => {
          loaded = module;
          return module;
        });
  const Lazy = lazy(preload);
  function Page() {
    const [Component] = useState<ComponentType>(() => loaded?.default ?? Lazy);
    return <Component />;
  }
  return { page: Page, preload };
}

const homeData: Prefetch = (client) => {
  void client.prefetchQuery(statsQuery);
  void client.prefetchQuery(activeRuleSetsQuery);
  void client.prefetchQuery(customerPageQuery(...TOP_CUSTOMERS));
};

const customer360Data: Prefetch = (client, _me, pathname) => {
  const id = decodeURIComponent(pathname.split("/")[2] ?? "");
  if (!id) return;
  void client.prefetchQuery(customerQuery(id));
  void client.prefetchQuery(customerTierQuery(id));
  void client.prefetchQuery(tierHistoryQuery(id));
  void client.prefetchQuery(activeRuleSetsQuery);
};

const HomePage = lazyPage(() => import("@/features/home/HomePage"));
const CustomerListPage = lazyPage(() => import("@/features/customers/CustomerListPage"));
const Customer360Page = lazyPage(() => import("@/features/customers/Customer360Page"));
const SearchPage = lazyPage(() => import("@/features/search/SearchPage"));
const TierRulesPage = lazyPage(() => import("@/features/tiers/TierRulesPage"));
const ScanJobsPage = lazyPage(() => import("@/features/scans/ScanJobsPage"));
const ControlPage = lazyPage(() => import("@/features/control/ControlPage"));
const MessagesPage = lazyPage(() => import("@/features/notices/MessagesPage"));
const AnnouncementsPage = lazyPage(() => import("@/features/notices/AnnouncementsPage"));
const AnnouncementDetailPage = lazyPage(() => import("@/features/notices/AnnouncementDetailPage"));
const CustomerMessagesPage = lazyPage(() => import("@/features/customerMessages/CustomerMessagesPage"));
const DeliveriesPage = lazyPage(() => import("@/features/customerMessages/DeliveriesPage"));
const AlertListPage = lazyPage(() => import("@/features/alerts/AlertListPage"));
const AlertDetailPage = lazyPage(() => import("@/features/alerts/AlertDetailPage"));
const AlertRulesPage = lazyPage(() => import("@/features/alertRules/AlertRulesPage"));
const AlertRuleEditorPage = lazyPage(() => import("@/features/alertRules/AlertRuleEditorPage"));
const TasksPage = lazyPage(() => import("@/features/tasks/TasksPage"));
const TaskDetailPage = lazyPage(() => import("@/features/tasks/TaskDetailPage"));
const AutomationPage = lazyPage(() => import("@/features/automation/AutomationPage"));
const EfficiencyPage = lazyPage(() => import("@/features/efficiency/EfficiencyPage"));
const CampaignListPage = lazyPage(() => import("@/features/campaigns/CampaignListPage"));
const CampaignBuilderPage = lazyPage(() => import("@/features/campaigns/CampaignBuilderPage"));
const CampaignPage = lazyPage(() => import("@/features/campaigns/CampaignPage"));
const CampaignTargetsPage = lazyPage(() => import("@/features/campaigns/CampaignTargetsPage"));
const ReportsPage = lazyPage(() => import("@/features/reports/ReportsPage"));
const ReportPage = lazyPage(() => import("@/features/reports/ReportPage"));
const ReportSchedulesPage = lazyPage(() => import("@/features/reports/SchedulesPage"));

export const ROUTES: AppRoute[] = [
  { path: "/", label: "nav.home", icon: <DashboardOutlined />, ...HomePage, prefetch: homeData, menu: true, phone: true },
  {
    path: "/customers",
    label: "nav.customers",
    icon: <TeamOutlined />,
    permission: "customers.read",
    ...CustomerListPage,
    menu: true,
    phone: true,
  },
  { path: "/customers/:id", label: "nav.customers", permission: "customers.read", ...Customer360Page, prefetch: customer360Data },
  {
    path: "/search",
    label: "nav.search",
    icon: <SearchOutlined />,
    permission: "customers.read",
    ...SearchPage,
    phone: true,
  },
  {
    path: "/alerts",
    label: "nav.alerts",
    icon: <AlertOutlined />,
    permission: "alerts.read",
    ...AlertListPage,
    badge: OpenAlertsBadge,
    menu: true,
    phone: true,
  },
  { path: "/alerts/:id", label: "nav.alerts", permission: "alerts.read", ...AlertDetailPage },
  {
    path: "/alert-rules",
    label: "nav.alertRules",
    icon: <ControlOutlined />,
    permission: "alert_rules.read",
    ...AlertRulesPage,
    menu: true,
  },
  { path: "/alert-rules/:id", label: "nav.alertRules", permission: "alert_rules.read", ...AlertRuleEditorPage },
  {
    path: "/tasks",
    label: "nav.tasks",
    icon: <CarryOutOutlined />,
    permission: "tasks.read",
    ...TasksPage,
    menu: true,
    phone: true,
  },
  // before /tasks/:id, which its address also matches (routeFor takes the first)
  { path: "/tasks/automation", label: "nav.automation", permission: "tasks.read", ...AutomationPage },
  { path: "/tasks/:id", label: "nav.tasks", permission: "tasks.read", ...TaskDetailPage },
  {
    path: "/efficiency",
    label: "nav.efficiency",
    icon: <FundOutlined />,
    permission: "tasks.read",
    ...EfficiencyPage,
    menu: true,
  },
  {
    path: "/campaigns",
    label: "nav.campaigns",
    icon: <RiseOutlined />,
    permission: "campaigns.read",
    ...CampaignListPage,
    menu: true,
  },
  // before /campaigns/:id, which its address also matches (routeFor takes the first)
  { path: "/campaigns/new", label: "nav.campaigns", permission: "campaigns.manage", ...CampaignBuilderPage },
  { path: "/campaigns/:id", label: "nav.campaigns", permission: "campaigns.read", ...CampaignPage },
  { path: "/campaigns/:id/edit", label: "nav.campaigns", permission: "campaigns.manage", ...CampaignBuilderPage },
  { path: "/campaigns/:id/targets", label: "nav.campaigns", permission: "campaigns.read", ...CampaignTargetsPage },
  {
    path: "/reports",
    label: "nav.reports",
    icon: <BarChartOutlined />,
    permission: "reports.read",
    ...ReportsPage,
    menu: true,
  },
  // before /reports/:id, which their addresses also match (routeFor takes the first); the pages themselves say why
  // a caller without reports.create cannot run one or schedule one
  { path: "/reports/new", label: "nav.reports", permission: "reports.read", ...ReportPage },
  { path: "/reports/schedules", label: "nav.reportSchedules", permission: "reports.read", ...ReportSchedulesPage },
  { path: "/reports/:id", label: "nav.reports", permission: "reports.read", ...ReportPage },
  {
    path: "/messages",
    label: "nav.messages",
    icon: <BellOutlined />,
    permission: "notifications.read",
    ...MessagesPage,
    badge: UnreadBadge,
    menu: true,
    phone: true,
  },
  {
    path: "/announcements",
    label: "nav.announcements",
    icon: <NotificationOutlined />,
    permission: "announcements.read",
    ...AnnouncementsPage,
    menu: true,
  },
  { path: "/announcements/:id", label: "nav.announcements", permission: "announcements.read", ...AnnouncementDetailPage },
  {
    path: "/customer-messages",
    label: "nav.customerMessages",
    icon: <MailOutlined />,
    permission: ["notification_templates.read", "notification_templates.manage", "customer_messages.send"],
    ...CustomerMessagesPage,
    menu: true,
  },
  {
    path: "/deliveries",
    label: "nav.deliveries",
    icon: <SendOutlined />,
    permission: "deliveries.read",
    ...DeliveriesPage,
    menu: true,
  },
  {
    path: "/tiers",
    label: "nav.tiers",
    icon: <TrophyOutlined />,
    permission: "tiers.read",
    ...TierRulesPage,
    menu: true,
  },
  {
    path: "/scans",
    label: "nav.scans",
    icon: <DeploymentUnitOutlined />,
    permission: "scans.read",
    ...ScanJobsPage,
    menu: true,
  },
  {
    path: "/control",
    label: "nav.control",
    icon: <SettingOutlined />,
    permission: ["users.manage", "system.read", "audit.read"],
    ...ControlPage,
    menu: true,
  },
];

/** Opens the app at `pathname`: asks who is signed in while the page's chunk loads, then starts the page's own
 * queries, so the page finds its data answered or in flight instead of asking after its first render. Settles
 * when the chunk is in (or failed): render then, and the page mounts without suspending. */
export function startRoute(pathname: string, client: QueryClient): Promise<void> {
  void client
    .fetchQuery(meQuery)
    .then((user) => user && prefetchRoute(pathname, client, user))
    .catch(() => undefined);
  return preloadRoute(pathname);
}

/** Loads the chunk of the page at `pathname` (at start, and when the pointer comes over a link to it). */
export function preloadRoute(pathname: string): Promise<void> {
  return Promise.resolve(routeFor(pathname)?.preload()).then(
    () => undefined,
    () => undefined,
  );
}

/** Loads the chunk of the page at `pathname` and, for a user who may open it, starts its first queries (used at
 * start and when the pointer goes down on a link: the page is ready by the time the click lands). */
export function prefetchRoute(pathname: string, client: QueryClient, me: User): void {
  const route = routeFor(pathname);
  if (!route || !can(me, route.permission)) return;
  void preloadRoute(pathname);
  route.prefetch?.(client, me, pathname);
}

/** The route whose path matches `pathname` (`/customers/42` → the 360 route). */
export function routeFor(pathname: string): AppRoute | undefined {
  return ROUTES.find((r) => {
    const pattern = new RegExp(`^${r.path.replace(/:[^/]+/g, "[^/]+")}$`);
    return pattern.test(pathname);
  });
}

/** The menu entry a path belongs to (the 360 page lights up 客户). */
export function menuKeyFor(pathname: string): string {
  const top = `/${pathname.split("/")[1] ?? ""}`;
  return ROUTES.find((r) => r.path === top)?.path ?? "/";
}
