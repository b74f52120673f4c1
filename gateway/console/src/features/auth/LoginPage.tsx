// 登录: username and password; the gateway answers with the session in HTTP-only cookies (x-kam-session: cookie).
// After sign-in the user returns to the page they were sent away from (`?next=`).
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";

import { LanguageSelect } from "@/components/LanguageSelect";
import { ApiError, api, must } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

interface Credentials {
  username: string;
  password: string;
}

/** Only a path of this console: never an absolute address another site could have put in `next`. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

export default function LoginPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(params.get("expired") ? t("auth.expired") : null);
  const [busy, setBusy] = useState(false);

  async function submit(values: Credentials) {
    setBusy(true);
    setError(null);
    try {
      const answer = await must(api.POST("/v1/auth:login", { body: values }));
      client.clear();
      client.setQueryData(ME_KEY, answer.user ?? null);
      await client.invalidateQueries({ queryKey: ME_KEY });
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="kam-login">
      <Card>
        <Typography.Title level={3} style={{ textAlign: "center", color: "#1f4e8c" }}>
          {t("app.title")}
        </Typography.Title>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="username"
            label={t("auth.username")}
            rules={[{ required: true, message: t("auth.required", { field: t("auth.username") }) }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("auth.password")}
            rules={[{ required: true, message: t("auth.required", { field: t("auth.password") }) }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("auth.signIn")}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
          {t("auth.demoHint")}
        </Typography.Paragraph>
        <LanguageSelect />
      </Card>
    </main>
  );
}
