import { Select } from "antd";

import { LANGS, type Lang, useI18n } from "@/locales/i18n";

/** 中文 / English, kept for the next visit. */
export function LanguageSelect() {
  const { lang, setLang, t } = useI18n();
  return (
    <Select<Lang>
      aria-label={t("app.language")}
      size="small"
      value={lang}
      onChange={setLang}
      options={LANGS.map((l) => ({ value: l, label: l === "zh-CN" ? "中文" : "English" }))}
      style={{ width: 92 }}
    />
  );
}
