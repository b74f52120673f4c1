// The one route table: it drives the router, the side menu, the phone's bottom navigation and the permission each
// page needs (the same permission names the API enforces). Pages load lazily, one chunk each.
import {
  BellOutlined,
  DashboardOutlined,
  DeploymentUnitOutlined,
  SearchOutlined,
  SettingOutlined,
  TeamOutlined,
  TrophyOutlined,
} from "@ant-design/icons";
import { lazy, type LazyExoticComponent, type ReactNode } from "react";

export interface AppRoute {
  path: string;
  /** The locale key of its label (nav.*). */
  label: string;
  icon?: ReactNode;
  /** The permission the page needs (any of a list); the menu hides it otherwise. */
  permission?: string | string[];
  page: LazyExoticComponent<() => ReactNode>;
  /** Shown in the side menu (desktop). */
  menu?: boolean;
  /** Shown in the bottom navigation (phone). */
  phone?: boolean;
}

const HomePage = lazy(() => import("@/features/home/HomePage"));
const CustomerListPage = lazy(() => import("@/features/customers/CustomerListPage"));
const Customer360Page = lazy(() => import("@/features/customers/Customer360Page"));
const SearchPage = lazy(() => import("@/features/search/SearchPage"));
const TierRulesPage = lazy(() => import("@/features/tiers/TierRulesPage"));
const ScanJobsPage = lazy(() => import("@/features/scans/ScanJobsPage"));
const ControlPage = lazy(() => import("@/features/control/ControlPage"));
const MessagesPage = lazy(() => import("@/features/home/MessagesPage"));

export const ROUTES: AppRoute[] = [
  { path: "/", label: "nav.home", icon: <DashboardOutlined />, page: HomePage, menu: true, phone: true },
  {
    path: "/customers",
    label: "nav.customers",
    icon: <TeamOutlined />,
    permission: "customers.read",
    page: CustomerListPage,
    menu: true,
    phone: true,
  },
  { path: "/customers/:id", label: "nav.customers", permission: "customers.read", page: Customer360Page },
  {
    path: "/search",
    label: "nav.search",
    icon: <SearchOutlined />,
    permission: "customers.read",
    page: SearchPage,
    phone: true,
  },
  { path: "/messages", label: "nav.messages", icon: <BellOutlined />, page: MessagesPage, phone: true },
  {
    path: "/tiers",
    label: "nav.tiers",
    icon: <TrophyOutlined />,
    permission: "tiers.read",
    page: TierRulesPage,
    menu: true,
  },
  {
    path: "/scans",
    label: "nav.scans",
    icon: <DeploymentUnitOutlined />,
    permission: "scans.read",
    page: ScanJobsPage,
    menu: true,
  },
  {
    path: "/control",
    label: "nav.control",
    icon: <SettingOutlined />,
    permission: ["users.manage", "system.read", "audit.read"],
    page: ControlPage,
    menu: true,
  },
];

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
