// The dialog around a form: 保存 submits the form, 取消 closes; the form is rendered while closed too, so its
// instance exists before the first opening.
import { type FormInstance, Modal } from "antd";
import type { ReactNode } from "react";

import { useI18n } from "@/locales/i18n";

export function FormModal({
  open,
  title,
  form,
  busy,
  onClose,
  children,
}: {
  open: boolean;
  title: ReactNode;
  form: FormInstance;
  busy: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Modal
      open={open}
      title={title}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      {children}
    </Modal>
  );
}
