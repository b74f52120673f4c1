// Providers and the router: the query cache (server state), Ant Design's locale and theme, and the guard that
// sends a signed-out visitor to the login page and back to where they were.
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import antdEnUS from "antd/locale/en_US";
import antdZhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { type ReactNode, Suspense, useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";

import { PageLoading } from "@/components/PageState";
import ChangePasswordPage from "@/features/auth/ChangePasswordPage";
import LoginPage from "@/features/auth/LoginPage";
import { ApiError, onSessionLost, setApiLanguage } from "@/lib/api/client";
import { usePushStream } from "@/lib/push";
import { can, useMe } from "@/lib/session";
import { I18nProvider, useI18n } from "@/locales/i18n";

import { type AppRoute, ROUTES } from "./routes";
import { Shell } from "./Shell";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // no retry on answers that will not change (not found, denied, bad input, signed out)
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

/** After a lost session: forget every cached answer and go to the login page, remembering the page. */
function SessionWatch() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(
    () =>
      onSessionLost(() => {
        client.clear();
        if (location.pathname !== "/login") {
          const next = encodeURIComponent(location.pathname + location.search);
          navigate(`/login?next=${next}&expired=1`, { replace: true });
        }
      }),
    [client, navigate, location],
  );
  return null;
}

function RequireUser({ children }: { children: ReactNode }) {
  const { data: me, isPending } = useMe();
  const location = useLocation();
  usePushStream(Boolean(me));
  if (isPending) return <PageLoading />;
  if (!me) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (me.passwordChangeRequired && location.pathname !== "/password") {
    return <Navigate to={`/password?next=${encodeURIComponent(location.pathname)}`} replace />;
  }
  return <>{children}</>;
}

/** A page the user may not open goes back to the home page (the menu does not offer it either). Reads the
 * user itself: a component mounted with the route sees the signed-in user's current answer. */
function Allowed({ permission, children }: { permission: AppRoute["permission"]; children: ReactNode }) {
  const { data: me } = useMe();
  return can(me, permission) ? <>{children}</> : <Navigate to="/" replace />;
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/password"
        element={
          <RequireUser>
            <ChangePasswordPage />
          </RequireUser>
        }
      />
      {ROUTES.map((r) => (
        <Route
          key={r.path}
          path={r.path}
          element={
            <RequireUser>
              <Shell>
                <Allowed permission={r.permission}>
                  <r.page />
                </Allowed>
              </Shell>
            </RequireUser>
          }
        />
      ))}
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

function Localised({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  useEffect(() => {
    setApiLanguage(lang);
    dayjs.locale(lang === "zh-CN" ? "zh-cn" : "en");
    document.documentElement.lang = lang;
    document.title = lang === "zh-CN" ? "KAM 大客户管理系统" : "KAM Key Account Manager";
  }, [lang]);
  return (
    <ConfigProvider
      locale={lang === "zh-CN" ? antdZhCN : antdEnUS}
      theme={{
        // secondary text and placeholders darker than Ant Design's defaults: WCAG AA contrast (4.5:1) on white
        token: {
          colorPrimary: "#1f4e8c",
          colorLink: "#1f4e8c",
          borderRadius: 6,
          colorTextSecondary: "rgba(0, 0, 0, 0.65)",
          colorTextDescription: "rgba(0, 0, 0, 0.65)",
          colorTextPlaceholder: "rgba(0, 0, 0, 0.58)",
          colorTextTertiary: "rgba(0, 0, 0, 0.6)",
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App({ client = makeQueryClient() }: { client?: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <I18nProvider>
        <Localised>
          <BrowserRouter>
            <SessionWatch />
            <Suspense fallback={<PageLoading />}>
              <AppRoutes />
            </Suspense>
          </BrowserRouter>
        </Localised>
      </I18nProvider>
    </QueryClientProvider>
  );
}
