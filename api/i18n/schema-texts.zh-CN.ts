/**
 * The request schemas word their refusals in English (api/http/schemas/**, the routes, validate.ts, the search
 * cursor): zod puts a schema's own message above any language chosen for a parse, so these texts are translated
 * here, each as the English template it is written from ({name} where the schema fills in a value) and its
 * Chinese. test/api/api.messages.test.ts reads the schemas' source and fails when a text has no translation here
 * or a translation has no text any more.
 *
 * Some templates fill in a fragment of English (a unit, what a list holds): FRAGMENTS translate those; anything
 * else filled in (a field name, a number, a list of names) stays as it is.
 */
export interface Translation {
  /** The English template, {name} for each value filled in. */
  readonly en: string;
  readonly zh: (values: string[]) => string;
}

const t = (en: string, zh: (values: string[]) => string): Translation => ({ en, zh });

export const FRAGMENTS: readonly Translation[] = [
  t("fen", () => "分"),
  t("wei", () => "wei"),
  t("gas", () => "gas"),
  t("nonces", () => "nonce"),
  t("seconds", () => "秒"),
  t("total (fen)", () => "价税合计（分）"),
  t("invoice numbers (the 20 printed digits, or the ledger's number)", () => "发票号码（发票上印的 20 位号码，或账本编号）"),
  t("states among {states}", ([states]) => `发票状态（可选 ${states}）`),
  t("expansions among {expansions}", ([expansions]) => `扩展项（可选 ${expansions}）`),
];

/** A filled-in fragment in Chinese (a field name, a number or a list of names stays as it is). */
const f = (value: string | undefined) => (value === undefined ? "" : (translate(FRAGMENTS, value) ?? value));

export const SCHEMA_TEXTS: readonly Translation[] = [
  // Amounts, numbers and digits (schemas/common.ts, invoice-search.ts, verification.ts, reports.ts).
  t("a whole number of {unit}", ([unit]) => `应为整数（单位：${f(unit)}）`),
  t("a whole number of {unit}, not negative", ([unit]) => `应为非负整数（单位：${f(unit)}）`),
  t("a whole number of {unit}, or a string of digits", ([unit]) => `应为整数或数字字符串（单位：${f(unit)}）`),
  t("above 2^53 - 1 a JSON number is not exact: send {unit} as a string of digits", ([unit]) => `超过 2^53 - 1 的 JSON 数字无法精确表示，请改用数字字符串发送（单位：${f(unit)}）`),
  t("{unit} as plain digits (no sign, point, exponent, spaces or leading zeros), at most {max}", ([unit, max]) => `应为纯数字字符串（单位：${f(unit)}；不含正负号、小数点、指数、空格或前导零），最大 ${max}`),
  t("at most {max} {unit}: larger than the ledger holds", ([max, unit]) => `不能超过 ${max}（单位：${f(unit)}），超出了账本能记录的范围`),
  t("at most {max} fen: larger than the ledger holds", ([max]) => `不能超过 ${max} 分，超出了账本能记录的范围`),
  t("at most {max} fen", ([max]) => `不能超过 ${max} 分`),
  t("fen as plain digits", () => "金额（分）应为纯数字字符串"),
  t("fen as plain digits (no sign, point, exponent, spaces or leading zeros)", () => "金额（分）应为纯数字字符串（不含正负号、小数点、指数、空格或前导零）"),
  t("{what}: digits", ([what]) => `${f(what)}：应为数字`),
  t("{what}: digits only", ([what]) => `${f(what)}：只能包含数字`),
  t("{what}: {width} digits", ([what, width]) => `${f(what)}：应为 ${width} 位数字`),
  t("{what}: at most {max}", ([what, max]) => `${f(what)}：不能超过 ${max}`),
  t("{what}: a whole number from {min} to {max}", ([what, min, max]) => `${f(what)}：应为 ${min} 至 ${max} 之间的整数`),
  t("{what}, comma-separated, at most {max}", ([what, max]) => `应为${f(what)}，以英文逗号分隔，最多 ${max} 个`),
  t("a page size from 1 to 500", () => "每页条数应为 1 至 500"),
  t("an invoice number (digits)", () => "应为发票号码（数字）"),
  t("the nextCursor of the previous page", () => "应为上一页的 nextCursor"),
  t("an invoice number: digits", () => "发票号码应为数字"),
  t("text with a lone surrogate (no UTF-8 form)", () => "文本含有孤立的代理字符（无法以 UTF-8 表示）"),
  t("an invoice number: the 20 digits printed on the invoice, or the ledger's number (at most {max})", ([max]) => `发票号码应为发票上印的 20 位号码，或账本编号（不超过 ${max}）`),
  t("an audit entry id (digits)", () => "应为审计记录编号（数字）"),
  t("a ratio from 0 to 1 with at most 4 decimals, e.g. 0.9", () => "应为 0 至 1 之间、最多 4 位小数的比例，例如 0.9"),

  // Identifiers.
  t("18 characters, digits and capital letters", () => "应为 18 位，由数字和大写字母组成"),
  t("not a valid unified social credit code (check character)", () => "不是有效的统一社会信用代码（校验码不符）"),
  t("an account address is 0x + 40 hex digits", () => "账户地址应为 0x 加 40 位十六进制数字"),
  t("not an account address", () => "不是有效的账户地址"),
  t("0x followed by 64 hex digits", () => "应为 0x 加 64 位十六进制数字"),
  t("0x followed by 40 hex digits", () => "应为 0x 加 40 位十六进制数字"),
  t("64 hex digits", () => "应为 64 位十六进制数字"),
  t("a signature: 0x followed by 130 hex digits", () => "签名应为 0x 加 130 位十六进制数字"),
  t("0x followed by the call's bytes in hex (4 to 4096 bytes)", () => "应为 0x 加调用数据的十六进制字节（4 至 4096 字节）"),
  t("1 to 64 letters, digits or . _ : / -", () => "应为 1 至 64 个字母、数字或 . _ : / -"),
  t("1 to 31 letters, digits, _ or -", () => "应为 1 至 31 个字母、数字、_ 或 -"),
  t("1 to 128 letters, digits or . _ : -", () => "应为 1 至 128 个字母、数字或 . _ : -"),
  t("an error code, e.g. INVALID_STATE", () => "应为错误码，例如 INVALID_STATE"),

  // Webhooks (schemas/webhooks.ts).
  t("a webhook id: wh_ and 24 hex digits", () => "Webhook 编号应为 wh_ 加 24 位十六进制数字"),
  t("a delivery id: msg_ and 32 hex digits", () => "推送编号应为 msg_ 加 32 位十六进制数字"),
  t("an http or https URL of at most 2048 characters", () => "应为 http 或 https 地址，最长 2048 个字符"),
  t("at least one event type", () => "至少选择一种事件类型"),
  t("each event type at most once", () => "每种事件类型最多出现一次"),
  t("at most 200 characters", () => "最多 200 个字符"),
  t("a delivery's seq (digits)", () => "应为推送序号（数字）"),

  // Tax periods, days and times.
  t("a tax period is YYYYMM, e.g. 202611", () => "所属期应为 YYYYMM 格式，例如 202611"),
  t("a tax period is six digits YYYYMM, e.g. 202611", () => "所属期应为 6 位数字 YYYYMM，例如 202611"),
  t("a tax period is YYYYMM from 197001 to 999912, e.g. 202611", () => "所属期应为 197001 至 999912 之间的 YYYYMM，例如 202611"),
  t("an ISO date (2026-11-25) or date-time with an offset (2026-11-25T10:00:00Z)", () => "应为 ISO 日期（如 2026-11-25）或带时区的日期时间（如 2026-11-25T10:00:00Z）"),
  t("no such day", () => "该日期不存在"),
  // API keys (schemas/identity.ts).
  t("an ISO date-time with an offset, e.g. 2027-05-25T00:00:00Z", () => "应为带时区的 ISO 日期时间，如 2027-05-25T00:00:00Z"),
  t("not in the future: a key's expiry must lie ahead", () => "不是将来的时间：密钥的过期时间必须晚于现在"),
  t("at most {days} days ahead (for longer, leave out the expiry and revoke the key when done)", ([days]) => `最多为 ${days} 天之后（需要更久时，请不设过期时间，用完后吊销密钥）`),
  t("a time from 1970 to 9999", () => "时间应在 1970 年至 9999 年之间"),
  t("a day YYYY-MM-DD from 1970-01-01 to 9999-12-31", () => "应为 1970-01-01 至 9999-12-31 之间的日期，格式 YYYY-MM-DD"),
  t("not a day of the calendar", () => "日历上没有这一天"),
  t("to is a day on or after from", () => "to 不能早于 from"),
  t("at most {days} days in one series", ([days]) => `一次最多查询 ${days} 天`),

  // Invoices and credit notes (schemas/invoice-document.ts, credit-note.ts).
  t("a VAT rate in percent: 0, 1, 3, 5, 6, 9 or 13", () => "增值税税率（%）只能是 0、1、3、5、6、9 或 13"),
  t('a quantity is a decimal written as a string, e.g. "2" or "0.5"', () => '数量应为字符串形式的十进制数，例如 "2" 或 "0.5"'),
  t("a decimal with at most 9 digits before the point and 8 after", () => "应为十进制数，整数部分最多 9 位，小数部分最多 8 位"),
  t("quantity x unit price is {expected} fen, not {amount}", ([expected, amount]) => `金额应为数量 × 单价，即 ${expected} 分，而不是 ${amount} 分`),
  t("amount x {rate}% is {expected} fen, not {tax}", ([rate, expected, tax]) => `税额应为金额 × ${rate}%（四舍五入到分），即 ${expected} 分，而不是 ${tax} 分`),
  t("an invoice's total must be more than 0", () => "发票价税合计必须大于 0"),
  t("the invoice's total ({total} fen) is more than the ledger holds ({max}): split it", ([total, max]) => `发票价税合计（${total} 分）超过账本能记录的上限（${max} 分），请拆分开具`),
  t("the invoice's tax ({tax} fen) is more than the ledger holds ({max}): split it", ([tax, max]) => `发票税额（${tax} 分）超过账本能记录的上限（${max} 分），请拆分开具`),
  t("the same reference twice in one batch", () => "同一批次中业务单号重复"),
  t("give both total and tax for a partial reversal, or neither", () => "部分红冲须同时提供价税合计和税额；全额红冲两者都不提供"),
  t("total must be more than 0 and at least the tax", () => "价税合计须大于 0，且不小于税额"),

  // Searches and reports (schemas/invoice-search.ts, reports.ts).
  t("either cursor or after, not both", () => "cursor 与 after 只能二选一"),
  t("after pages by number only: use cursor", () => "after 只适用于按号码排序，请改用 cursor"),
  t("true or false", () => "应为 true 或 false"),

  // Listing participants (schemas/participant-list.ts).
  t("Active, Suspended or Revoked", () => "应为 Active、Suspended 或 Revoked"),
  t("a search text of 1 to 100 characters", () => "搜索内容应为 1 至 100 个字符"),
  t("dimensions separated by commas, among {dimensions}", ([dimensions]) => `应为以英文逗号分隔的分组维度，可选 ${dimensions}`),
  t("each dimension at most once", () => "每个分组维度最多出现一次"),
  t("{key} needs groupBy (per merchant and period, as without groupBy, the totals are kept by period only)", ([key]) => `${key} 须与 groupBy 同时使用（不带 groupBy 时，合计只按商户和所属期统计）`),

  // Any input (validate.ts) and the search cursor (services/search-cursor.ts).
  t("contains a NUL character (U+0000), which no text field accepts", () => "含有 NUL 字符（U+0000），任何文本字段都不接受"),
  t("a field name contains a NUL character (U+0000)", () => "字段名含有 NUL 字符（U+0000）"),
  t("nested deeper than {levels} levels", ([levels]) => `嵌套层级超过 ${levels} 层`),
  t("not a cursor of this API", () => "不是本 API 给出的游标"),
  t("not base64url", () => "不是 base64url 编码"),
  t("altered, or from another search (other filters, sort or party)", () => "已被改动，或来自另一次查询（筛选条件、排序或查询方不同）"),
  t("from a search in another order", () => "来自排序方式不同的查询"),
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const PLACEHOLDER = /\{[A-Za-z]+\}/g;

/** The regular expression of an English template: its text literally, each {name} any text. */
const patternOf = (template: string) => new RegExp(`^${template.split(PLACEHOLDER).map(escape).join("(.+?)")}$`);

/** Templates with more fixed text first, so "a whole number of {unit}, not negative" wins over "a whole number of {unit}". */
const compiled = (translations: readonly Translation[]) =>
  [...translations]
    .sort((a, b) => b.en.replace(PLACEHOLDER, "").length - a.en.replace(PLACEHOLDER, "").length)
    .map((translation) => ({ pattern: patternOf(translation.en), zh: translation.zh }));

const COMPILED = new Map<readonly Translation[], ReturnType<typeof compiled>>();

/** `text` (one of the templates, filled in) in Chinese, or undefined when no template matches. */
export function translate(translations: readonly Translation[], text: string): string | undefined {
  let entries = COMPILED.get(translations);
  if (entries === undefined) COMPILED.set(translations, (entries = compiled(translations)));
  for (const { pattern, zh } of entries) {
    const match = pattern.exec(text);
    if (match !== null) return zh(match.slice(1));
  }
  return undefined;
}

/** A schema's English text in Chinese, or undefined when it is not one of SCHEMA_TEXTS (zod's own words, then). */
export const schemaTextInChinese = (text: string) => translate(SCHEMA_TEXTS, text);
