// The frame around every page. Desktop (≥ 768 px): a side menu built from the route table, a header with the
// search box (Ctrl+K), language and the user. Phone: a slim header and a bottom navigation for one hand.
import { LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Avatar, Button, Dropdown, Grid, Layout, Menu, Space, Typography } from "antd";
import { type ReactNode, Suspense, useEffect } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";

import { FirstScanBanner } from "@/components/FirstScanBanner";
import { LanguageSelect } from "@/components/LanguageSelect";
import { PageLoading } from "@/components/PageState";
import { SearchBox } from "@/features/search/SearchBox";
import { api } from "@/lib/api/client";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import type { User } from "@/lib/api/client";

import { menuKeyFor, prefetchRoute, preloadRoute, ROUTES } from "./routes";

const { Header, Sider, Content } = Layout;

export function useIsPhone(): boolean {
  const screens = Grid.useBreakpoint();
  // before the first measurement useBreakpoint is empty: judge by the window itself
  if (screens.md === undefined) return typeof window !== "undefined" && window.innerWidth < 768;
  return !screens.md;
}

export function useSignOut() {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    await api.POST("/v1/auth:logout", { body: {} }).catch(() => undefined);
    client.clear();
    await clearOfflineCopies();
    navigate("/login", { replace: true });
  };
}

/** Drops the offline copies of pages (the service worker's cache) at sign-out. */
export async function clearOfflineCopies(): Promise<void> {
  if (typeof caches === "undefined") return;
  for (const key of await caches.keys()) if (key.startsWith("kam-data")) await caches.delete(key);
}

/** The user's menu; on a phone it also lists the pages the bottom navigation has no room for (报表中心, 营销 …) and
 * opens on a tap (a phone has no hover: a menu opened by the tap's emulated hover could close under the finger). */
function UserMenu({ pages = [], phone = false }: { pages?: typeof ROUTES; phone?: boolean }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const more = pages.map((r) => ({ key: r.path, icon: r.icon, label: t(r.label), onClick: () => navigate(r.path) }));
  return (
    <Dropdown
      trigger={phone ? ["click"] : ["hover"]}
      menu={{
        items: [
          ...(more.length ? [...more, { type: "divider" as const }] : []),
          { key: "password", label: t("auth.changePassword"), onClick: () => navigate("/password") },
          { key: "logout", icon: <LogoutOutlined />, label: t("auth.signOut"), onClick: () => void signOut() },
        ],
      }}
    >
      <Button type="text" aria-label={me?.displayName ?? ""} data-testid="user-menu">
        <Space>
          <Avatar size="small" icon={<UserOutlined />} />
          <span>{me?.displayName}</span>
        </Space>
      </Button>
    </Dropdown>
  );
}

/** The app's own address a link in the event's path points to, if any. */
function linkTarget(event: Event): string | undefined {
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!(link instanceof HTMLAnchorElement) || link.origin !== window.location.origin) return undefined;
  return link.pathname;
}

/** A link the pointer comes over gets its page's chunk; a press on it starts the page's queries too, so the page
 * renders with its data in the time a click takes. */
function useLinkIntent(me: User | null | undefined) {
  const client = useQueryClient();
  useEffect(() => {
    if (!me) return;
    const hover = (event: Event) => {
      const path = linkTarget(event);
      if (path) void preloadRoute(path);
    };
    const press = (event: Event) => {
      const path = linkTarget(event);
      if (path) prefetchRoute(path, client, me);
    };
    document.addEventListener("pointerover", hover, { passive: true });
    document.addEventListener("focusin", hover);
    document.addEventListener("pointerdown", press, { passive: true });
    return () => {
      document.removeEventListener("pointerover", hover);
      document.removeEventListener("focusin", hover);
      document.removeEventListener("pointerdown", press);
    };
  }, [client, me]);
}

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  useLinkIntent(me);
  const phone = useIsPhone();
  const location = useLocation();
  const visible = ROUTES.filter((r) => can(me, r.permission));
  const selected = menuKeyFor(location.pathname);
  const body = <Suspense fallback={<PageLoading />}><FirstScanBanner />{children}</Suspense>;

  if (phone) {
    const tabs = visible.filter((r) => r.phone);
    const more = visible.filter((r) => r.menu && !r.phone);
    return (
      <Layout className="kam-phone">
        <Header className="kam-phone-header">
          <Typography.Text strong className="kam-brand">
            {t("app.short")}
          </Typography.Text>
          <Space>
            <LanguageSelect />
            <UserMenu pages={more} phone />
          </Space>
        </Header>
        <Content className="kam-phone-content">{body}</Content>
        <nav className="kam-bottom-nav" aria-label={t("nav.home")} data-testid="bottom-nav">
          {tabs.map((r) => (
            <Link
              key={r.path}
              to={r.path}
              className={r.path === selected ? "active" : undefined}
              aria-current={r.path === selected ? "page" : undefined}
            >
              {r.icon}
              <span>
                {t(r.label)}
                {r.badge ? <r.badge /> : null}
              </span>
            </Link>
          ))}
        </nav>
      </Layout>
    );
  }

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Sider breakpoint="lg" collapsedWidth={64} theme="light" width={200}>
        <div className="kam-logo">{t("app.title")}</div>
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          items={visible
            .filter((r) => r.menu)
            .map((r) => ({
              key: r.path,
              icon: r.icon,
              label: (
                <Link to={r.path}>
                  {t(r.label)}
                  {r.badge ? <r.badge /> : null}
                </Link>
              ),
            }))}
        />
      </Sider>
      <Layout>
        <Header className="kam-header">
          <SearchBox />
          <Space>
            <LanguageSelect />
            <UserMenu />
          </Space>
        </Header>
        <Content className="kam-content">{body}</Content>
      </Layout>
    </Layout>
  );
}
