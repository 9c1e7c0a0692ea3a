import { useState } from "preact/hooks";

import { saveFile } from "../api/download";
import { useAction } from "../api/use-resource";
import { useI18n } from "../i18n/i18n";
import { ErrorNotice } from "./views";

/** Downloads an invoice's or a red credit note's PDF through the SDK and saves it as a file; a refusal shows beside it. */
export function PdfButton({ kind = "invoice", id, number, label, small = false }: { kind?: "invoice" | "creditNote"; id: string; number: string; label?: string; small?: boolean }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  const download = useAction((client) => (kind === "invoice" ? client.getInvoicePdf({ params: { id } }) : client.getCreditNotePdf({ params: { id } })));
  return (
    <span class="pdf-button">
      <button
        type="button"
        class={small ? "button button-small" : "button"}
        disabled={download.busy}
        data-testid={`pdf-${id}`}
        onClick={async () => {
          setDone(false);
          const bytes = await download.run();
          if (bytes === undefined) return;
          saveFile(bytes, `${kind === "invoice" ? "invoice" : "credit-note"}-${number}.pdf`, "application/pdf");
          setDone(true);
        }}
      >
        {download.busy ? t("pdf.working") : (label ?? t("pdf.download"))}
      </button>
      {done ? (
        <span class="visually-hidden" role="status">
          {t("pdf.saved")}
        </span>
      ) : null}
      {download.error === undefined ? null : <ErrorNotice error={download.error} />}
    </span>
  );
}
