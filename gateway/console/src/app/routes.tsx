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

// each page's chunk, loaded with its route (and ahead of time for the address the app opens on: preloadRoute)
const pages = {
  home: () => import("@/features/home/HomePage"),
  customers: () => import("@/features/customers/CustomerListPage"),
  customer360: () => import("@/features/customers/Customer360Page"),
  search: () => import("@/features/search/SearchPage"),
  tiers: () => import("@/features/tiers/TierRulesPage"),
  scans: () => import("@/features/scans/ScanJobsPage"),
  control: () => import("@/features/control/ControlPage"),
  messages: () => import("@/features/home/MessagesPage"),
};
const HomePage = lazy(pages.home);
const CustomerListPage = lazy(pages.customers);
const Customer360Page = lazy(pages.customer360);
const SearchPage = lazy(pages.search);
const TierRulesPage = lazy(pages.tiers);
const ScanJobsPage = lazy(pages.scans);
const ControlPage = lazy(pages.control);
const MessagesPage = lazy(pages.messages);

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

const LOADERS: Record<string, () => Promise<unknown>> = {
  "/": pages.home,
  "/customers": pages.customers,
  "/customers/:id": pages.customer360,
  "/search": pages.search,
  "/tiers": pages.tiers,
  "/scans": pages.scans,
  "/control": pages.control,
  "/messages": pages.messages,
};

/** Starts loading the chunk of the page at `pathname` while the app asks who is signed in (the two in parallel,
 * not one after the other). */
export function preloadRoute(pathname: string): void {
  const route = routeFor(pathname);
  if (route) void LOADERS[route.path]?.();
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
