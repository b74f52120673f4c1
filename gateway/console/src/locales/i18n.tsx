// The console's languages: zh-CN by default, en-US switchable (kept in localStorage). `t("customer.name")` looks a
// key up, `{{name}}` placeholders are filled from `vars`; enums go through `enumText`, never shown raw.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

import { enUS } from "./en-US";
import { type Messages, zhCN } from "./zh-CN";

export type Lang = "zh-CN" | "en-US";
export const LANGS: Lang[] = ["zh-CN", "en-US"];
const MESSAGES: Record<Lang, Messages> = { "zh-CN": zhCN, "en-US": enUS };
const STORAGE_KEY = "kam.lang";

export type EnumDomain = keyof Messages["enums"];

export function lookup(messages: Messages, key: string, vars?: Record<string, string | number>): string {
  let value: unknown = messages;
  for (const part of key.split(".")) {
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (typeof value !== "string") return key; // an unknown key shows as itself (and the zh-CN page test catches it)
  return vars ? value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? "")) : value;
}

export function enumLabel(messages: Messages, domain: EnumDomain, value: string | undefined): string {
  const table = messages.enums[domain] as Record<string, string>;
  if (!value) return table[Object.keys(table)[0]];
  return table[value] ?? value;
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: string, vars?: Record<string, string | number>) => string;
  enumText: (domain: EnumDomain, value: string | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = typeof localStorage === "undefined" ? null : localStorage.getItem(STORAGE_KEY);
  return saved === "en-US" ? "en-US" : "zh-CN";
}

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const messages = MESSAGES[lang];
    return {
      lang,
      setLang,
      t: (key, vars) => lookup(messages, key, vars),
      enumText: (domain, v) => enumLabel(messages, domain, v),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}

export { MESSAGES };
