import { useState } from "preact/hooks";

import { EInvoiceApiError } from "./api/client";
import { useSession } from "./api/session";
import { useI18n } from "./i18n/i18n";
import { Field } from "./ui/field";
import { ErrorNotice } from "./ui/views";

/** Sign-in: the API key is sent once, to open a session (an httpOnly cookie); it is not kept anywhere. */
export function SignIn() {
  const { t } = useI18n();
  const { state, signIn } = useSession();
  const [apiKey, setApiKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<EInvoiceApiError | undefined>(undefined);
  const [missing, setMissing] = useState(false);
  const expired = state.status === "signed-out" && state.reason === "expired";

  async function submit(event: Event) {
    event.preventDefault();
    if (apiKey.trim() === "") {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await signIn(apiKey.trim());
      setApiKey("");
    } catch (caught) {
      if (!(caught instanceof EInvoiceApiError)) throw caught;
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} noValidate>
        <h1>{t("signIn.title")}</h1>
        <p>{t("signIn.lead")}</p>
        {expired ? (
          <p class="notice notice-info" role="status">
            {t("signIn.expired")}
          </p>
        ) : null}
        {error === undefined ? null : <ErrorNotice error={error} />}
        <Field id="api-key" label={t("signIn.apiKey")} hint={t("signIn.apiKey.hint")} error={missing && apiKey.trim() === "" ? t("field.required") : undefined}>
          {(aria) => <input {...aria} name="apiKey" type="password" autocomplete="off" spellcheck={false} value={apiKey} onInput={(event) => setApiKey(event.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? t("signIn.working") : t("signIn.submit")}
        </button>
      </form>
    </main>
  );
}
