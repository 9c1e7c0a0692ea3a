/** The console's languages: Chinese first (the default), English. */
export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const STORED = "einvoice.console.language";

/** The language to start in: `?lang=` in the address, then the person's last choice, then Chinese. */
export function initialLanguage(): Language {
  const asked = new URLSearchParams(window.location.search).get("lang") ?? readStored();
  return asked === "en" ? "en" : "zh-CN";
}

export function rememberLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORED, language);
  } catch {
    // Private browsing without storage: the choice lasts for this page only.
  }
}

function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORED);
  } catch {
    return null;
  }
}
