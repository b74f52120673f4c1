import { formatMoney, type Money as MoneyValue } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

/** An amount in CNY with thousands separators, right-aligned in tables. */
export function Money({ value, sign }: { value: MoneyValue | undefined | null; sign?: "+" | "-" }) {
  const { lang } = useI18n();
  const text = formatMoney(value, lang);
  return <span className="kam-num">{text && sign === "-" ? `−${text}` : text && sign === "+" ? `+${text}` : text}</span>;
}
