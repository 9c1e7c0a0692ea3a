import type { Command } from "commander";

import { createEInvoiceClient, type EInvoiceClient } from "../../sdk/src/client";
import { CliError, EXIT } from "./exit-codes";

/** The options every command takes, from the command line or the environment. */
export interface GlobalOptions {
  apiUrl?: string;
  apiKey?: string;
  json?: boolean;
  lang?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** The API's address: --api-url, else EINVOICE_API_URL. */
export function apiUrlOf(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const url = options.apiUrl ?? env.EINVOICE_API_URL;
  if (url === undefined || url === "") throw new CliError(EXIT.USAGE, "NO_API_URL", "say where the API is: --api-url <url> or EINVOICE_API_URL (e.g. http://127.0.0.1:8080)");
  return url.replace(/\/+$/, "");
}

/** An SDK client for the command; `keyed` false for the public routes (verify), which need no key. */
export function clientFor(command: Command, keyed = true, env: NodeJS.ProcessEnv = process.env): EInvoiceClient {
  const options = globalOptions(command);
  const apiKey = options.apiKey ?? env.EINVOICE_API_KEY;
  if (keyed && (apiKey === undefined || apiKey === "")) throw new CliError(EXIT.USAGE, "NO_API_KEY", "give your API key: --api-key <key> or EINVOICE_API_KEY");
  return createEInvoiceClient({
    baseUrl: apiUrlOf(options, env),
    ...(apiKey === undefined || apiKey === "" ? {} : { apiKey }),
    ...(options.lang === undefined ? {} : { language: options.lang }),
  });
}
