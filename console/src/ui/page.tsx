import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";

import { useI18n } from "../i18n/i18n";

/** One page of the console: its title (also the document's title) and, beside it, the page's main actions. */
export function Page({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t("app.name")}`;
  }, [title, t]);
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title">{title}</h1>
        {actions === undefined ? null : <div class="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** A titled block inside a page; its `id` names the section (a link's #fragment) and, with "-title", its heading. */
export function Panel({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const headingId = `${id ?? title.replace(/\W+/g, "-").toLowerCase()}-title`;
  return (
    <section class="panel" id={id} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
