// A page rendered as the app renders it, for component tests: react-query (no retries) with the signed-in user,
// the i18n provider, Ant Design's App (message, modal) and a router at `address` with the page's routes — any
// other address shows <Where /> so a test reads where a click led.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { App as AntApp } from "antd";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider, type Lang } from "@/locales/i18n";
import { Where } from "@/testing/viewport";

/** The signed-in user of a test: a branch manager unless told otherwise, with `permissions`. */
export function testUser(permissions: string[], who: Partial<User> = {}): User {
  return { name: "users/bm", username: "bm", displayName: "王强", permissions, ...who } as User;
}

export function renderPage(address: string, routes: Record<string, ReactElement>, me: User, lang: Lang = "zh-CN") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, me);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang={lang}>
        <AntApp>
          <MemoryRouter initialEntries={[address]}>
            <Routes>
              {Object.entries(routes).map(([path, element]) => (
                <Route key={path} path={path} element={element} />
              ))}
              <Route path="*" element={<Where />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}
