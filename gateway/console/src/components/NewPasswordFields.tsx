// 新密码 and 确认新密码: both required, the second must equal the first. The password policy itself is the
// identity service's (its field violations show under 新密码).
import { Form, Input } from "antd";
import type { ReactNode } from "react";

import { useI18n } from "@/locales/i18n";

export function NewPasswordFields({ hint }: { hint?: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item
        name="newPassword"
        label={t("auth.newPassword")}
        rules={[{ required: true, message: t("auth.required", { field: t("auth.newPassword") }) }]}
        extra={hint}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t("auth.confirmPassword")}
        dependencies={["newPassword"]}
        rules={[
          { required: true, message: t("auth.required", { field: t("auth.confirmPassword") }) },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || value === getFieldValue("newPassword") ? Promise.resolve() : Promise.reject(new Error(t("auth.mismatch"))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
