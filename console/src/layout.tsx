import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";

import { useSignedIn, useSession } from "./api/session";
import type { MessageKey } from "./i18n/catalogue";
import { useI18n } from "./i18n/i18n";
import { AREAS } from "./roles";

/** The frame of every signed-in page: who is signed in, the role's menu, the language switch, sign-out. */
export function Layout({ children }: { children: ComponentChildren }) {
  const { t, language, setLanguage } = useI18n();
  const { party } = useSignedIn();
  const { signOut } = useSession();
  const { path } = useLocation();
  const area = AREAS[party.role];
  return (
    <div class="frame">
      <a class="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <header class="top-bar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            票
          </span>
          <span>
            {t("app.name")} · {t(`role.${party.role}` as MessageKey)}
          </span>
        </div>
        <div class="top-bar-tools">
          <span class="who" title={party.account}>
            {t("app.signedInAs", { name: party.name })}
          </span>
          <button type="button" class="button button-quiet" lang={language === "zh-CN" ? "en" : "zh-CN"} onClick={() => setLanguage(language === "zh-CN" ? "en" : "zh-CN")}>
            {t("app.language.switch")}
          </button>
          <button type="button" class="button button-quiet" onClick={() => void signOut()}>
            {t("app.signOut")}
          </button>
        </div>
      </header>
      <nav class="side-nav" aria-label={t("app.nav")}>
        <ul>
          {area.nav.map((entry) => {
            const href = `${area.base}${entry.path}`;
            const current = path === href || (entry.path !== "/" && path.startsWith(`${href}/`));
            return (
              <li key={entry.path}>
                <a href={href} aria-current={current ? "page" : undefined}>
                  {t(entry.label)}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
