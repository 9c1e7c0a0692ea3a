import { createEInvoiceClient, type EInvoiceClient } from "../../../sdk/src/client";
import { EInvoiceApiError } from "../../../sdk/src/errors";
import { createTransport } from "../../../sdk/src/transport";

export { EInvoiceApiError };
export type { EInvoiceClient };

/**
 * The console's one way to the API: the SDK over the same origin. The session cookie goes with every request
 * (fetch sends same-origin cookies); writes carry the session's CSRF token; error messages come back in the
 * page's language. No API key is held here.
 */
export function consoleClient(options: { language: string; csrfToken?: string | undefined }): EInvoiceClient {
  const transport = createTransport({
    baseUrl: window.location.origin,
    language: options.language,
    ...(options.csrfToken === undefined ? {} : { csrfToken: options.csrfToken }),
  });
  return createEInvoiceClient({ transport });
}

