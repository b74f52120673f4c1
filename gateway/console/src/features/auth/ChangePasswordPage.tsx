// 修改密码: forced after the first sign-in with an initial password (outside demo mode), or chosen from the user
// menu. The policy is the identity service's; its field violations show under the fields.
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";

import { NewPasswordFields } from "@/components/NewPasswordFields";
import { ApiError, api, must, refreshSession } from "@/lib/api/client";
import { violationsByField } from "@/lib/api/violations";
import { ME_KEY, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { safeNext } from "./LoginPage";

interface Passwords {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

export default function ChangePasswordPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const [form] = Form.useForm<Passwords>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: Passwords) {
    setBusy(true);
    setError(null);
    try {
      await must(
        api.POST("/v1/users/me:changePassword", {
          body: { oldPassword: values.oldPassword, newPassword: values.newPassword },
        }),
      );
      // the session's access token still carries the pending change (it grants nothing else): renew it
      if (me?.passwordChangeRequired) await refreshSession();
      await client.invalidateQueries({ queryKey: ME_KEY });
      void message.success(t("auth.changed"));
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.violations.length) {
        // every rule the password breaks, under its field
        form.setFields(violationsByField(e.violations).map(({ name, errors }) => ({ name: name === "oldPassword" ? name : "newPassword", errors })));
      } else {
        setError(e instanceof Error ? e.message : String(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="kam-login">
      <Card>
        <Typography.Title level={4}>{t("auth.changePassword")}</Typography.Title>
        {me?.passwordChangeRequired && <Alert type="warning" showIcon title={t("auth.mustChange")} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
        <Form<Passwords> form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="oldPassword"
            label={t("auth.oldPassword")}
            rules={[{ required: true, message: t("auth.required", { field: t("auth.oldPassword") }) }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <NewPasswordFields />
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("common.save")}
          </Button>
          {!me?.passwordChangeRequired && (
            <Button type="link" block onClick={() => navigate(-1)}>
              {t("common.back")}
            </Button>
          )}
        </Form>
      </Card>
    </main>
  );
}
