import { bureauMessages } from "./bureau";
import { commonMessages } from "./common";
import { employeeMessages } from "./employee";
import { enterpriseMessages } from "./enterprise";
import type { Language } from "./language";
import { merchantMessages } from "./merchant";

/** Every text of the console, by key, in both languages: one catalogue per part, merged here. */
const en = { ...commonMessages.en, ...bureauMessages.en, ...enterpriseMessages.en, ...employeeMessages.en, ...merchantMessages.en };
export type MessageKey = keyof typeof en;
const zh: Record<MessageKey, string> = { ...commonMessages["zh-CN"], ...bureauMessages["zh-CN"], ...enterpriseMessages["zh-CN"], ...employeeMessages["zh-CN"], ...merchantMessages["zh-CN"] };

export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, "zh-CN": zh };

export type MessageParams = Record<string, string | number | bigint>;

export function format(text: string, params: MessageParams = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
