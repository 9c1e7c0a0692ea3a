import { createContext, type ComponentChildren } from "preact";
import { useContext, useMemo, useState } from "preact/hooks";

import { CATALOGUES, format, type MessageKey, type MessageParams } from "./catalogue";
import { initialLanguage, rememberLanguage, type Language } from "./language";

export interface I18n {
  language: Language;
  t(key: MessageKey, params?: MessageParams): string;
  setLanguage(language: Language): void;
  /** A date and time as people in China read it (China Standard Time), in the page's language. */
  dateTime(iso: string): string;
  date(iso: string): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

const formatters = (language: Language) => ({
  dateTime: new Intl.DateTimeFormat(language, { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" }),
  date: new Intl.DateTimeFormat(language, { timeZone: "Asia/Shanghai", dateStyle: "medium" }),
});

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const value = useMemo<I18n>(() => {
    const texts = CATALOGUES[language];
    const { dateTime, date } = formatters(language);
    document.documentElement.lang = language;
    return {
      language,
      t: (key, params) => format(texts[key], params),
      setLanguage(next) {
        rememberLanguage(next);
        setLanguageState(next);
      },
      dateTime: (iso) => dateTime.format(new Date(iso)),
      date: (iso) => date.format(new Date(iso)),
    };
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (i18n === undefined) throw new Error("useI18n outside I18nProvider");
  return i18n;
}
