import type { MessageCatalogue, Terms } from "./catalogue";
import { isFieldIssue, type FieldIssue } from "./field-issue";
import { schemaTextInChinese } from "./schema-texts.zh-CN";
import { CREDIT_NOTE_STATUSES, enumMember, INVOICE_STATES, listOf, PARTICIPANT_STATUSES, periodOf, present, REGISTRY_ROLES, ROLES, taxpayerIdOf, textOf, yuanOf } from "./values";

/**
 * 简体中文目录：面向税务机关、商户财务、企业财务和员工。用语与全面数字化电子发票的业务用语一致
 * （开具、领取、报销、入账、红字发票、冻结、开票额度、纳税人识别号/统一社会信用代码、领取码、校验码）；
 * 消息中的数值只取自响应的 details。
 */
const terms: Terms = {
  invoiceState: { None: "不存在", Issued: "已开具", Locked: "已提交报销（锁定）", Reimbursed: "已报销", Filed: "已入账", Reversed: "已红冲", Frozen: "已冻结" },
  creditNoteStatus: { None: "不存在", Pending: "待购买方确认", Effective: "已生效", Cancelled: "已撤销" },
  participantStatus: { None: "未登记", Active: "正常", Suspended: "已暂停", Revoked: "已注销" },
  role: { bureau: "税务机关", merchant: "商户（销售方）", enterprise: "企业", individual: "个人", none: "未登记" },
  money: (fen) => {
    const yuan = yuanOf(fen);
    return yuan === undefined ? `${textOf(fen) ?? "?"} 分` : `${yuan} 元`;
  },
  period: (yyyymm) => {
    const period = periodOf(yyyymm);
    return period === undefined ? (textOf(yyyymm) ?? "?") : `${period.year}年${period.month}月`;
  },
  location: (where, path) => `${{ body: "请求体", query: "查询参数", params: "路径参数", headers: "请求头" }[where] ?? where}${path === "" ? "" : ` ${path}`}`,
};

const state = (value: unknown) => {
  const name = enumMember(INVOICE_STATES, value);
  return name === undefined ? "其他状态" : `“${terms.invoiceState[name]}”`;
};
const roleWord = (value: unknown) => {
  const role = enumMember(ROLES, value) ?? enumMember(REGISTRY_ROLES, value);
  return role === undefined ? undefined : terms.role[role];
};
/** "（交易 0x...）" when the details name the transaction. */
const inTransaction = (hash: unknown) => (textOf(hash) === undefined ? "" : `（交易 ${textOf(hash)!}）`);

const TYPES: Readonly<Record<string, string>> = {
  string: "字符串",
  number: "数字",
  int: "整数",
  bigint: "整数",
  boolean: "布尔值（true 或 false）",
  object: "对象",
  array: "数组",
  null: "null",
  undefined: "空",
  date: "日期",
  nan: "NaN",
};
const typeWord = (type: string | undefined) => (type === undefined ? "其他类型" : (TYPES[type] ?? type));
const FORMATS: Readonly<Record<string, string>> = { email: "电子邮件地址", url: "URL", uuid: "UUID", datetime: "ISO 日期时间", date: "ISO 日期", time: "ISO 时间", ipv4: "IPv4 地址", ipv6: "IPv6 地址" };
const choices = (values: unknown) => (Array.isArray(values) ? values.map((value) => (typeof value === "string" ? value : JSON.stringify(value))).join("、") : "");

/** What zod says in English by itself (no message of ours), said in Chinese from the issue's code and parameters. */
function byCode(issue: FieldIssue): string {
  const inclusive = issue.inclusive !== false;
  switch (issue.code) {
    case "invalid_type":
      if (issue.received === "undefined") return "必填，不能缺少";
      return `应为${typeWord(issue.expected)}${issue.received === undefined ? "" : `，实际为${typeWord(issue.received)}`}`;
    case "too_small": {
      const n = String(issue.minimum);
      if (issue.origin === "string") return n === "1" && inclusive ? "不能为空" : inclusive ? `长度不能少于 ${n} 个字符` : `长度须多于 ${n} 个字符`;
      if (issue.origin === "array" || issue.origin === "set") return inclusive ? `至少需要 ${n} 项` : `须多于 ${n} 项`;
      return inclusive ? `不能小于 ${n}` : `须大于 ${n}`;
    }
    case "too_big": {
      const n = String(issue.maximum);
      if (issue.origin === "string") return inclusive ? `长度不能超过 ${n} 个字符` : `长度须少于 ${n} 个字符`;
      if (issue.origin === "array" || issue.origin === "set") return inclusive ? `最多 ${n} 项` : `须少于 ${n} 项`;
      return inclusive ? `不能大于 ${n}` : `须小于 ${n}`;
    }
    case "invalid_format":
      return issue.format !== undefined && FORMATS[issue.format] !== undefined ? `不是有效的${FORMATS[issue.format]!}` : "格式不正确";
    case "not_multiple_of":
      return `须为 ${String(issue.divisor)} 的倍数`;
    case "unrecognized_keys":
      return listOf(issue.keys) === undefined ? "含有不接受的字段" : `不接受以下字段：${listOf(issue.keys)!.join("、")}`;
    case "invalid_value":
    case "invalid_union":
      if (Array.isArray(issue.values) && issue.values.length === 1) return `应为 ${choices(issue.values)}`;
      if (Array.isArray(issue.values) && issue.values.length > 1) return `应为以下之一：${choices(issue.values)}`;
      return "不符合任何一种允许的格式";
    case "invalid_key":
      return "含有无效的键";
    case "invalid_element":
      return "含有无效的元素";
    default:
      return "取值无效";
  }
}

function firstIssue(issues: unknown, fallback: string): string {
  const list = Array.isArray(issues) ? issues.filter(isFieldIssue) : [];
  const first: FieldIssue | undefined = list[0];
  if (first === undefined) return fallback;
  const more = list.length > 1 ? `（另有 ${list.length - 1} 处问题，详见 details.issues）` : "";
  return `请求有误：${terms.location(first.in, first.path)}：${catalogue.issue(first)}${more}。`;
}

export const catalogue: MessageCatalogue = {
  language: "zh-CN",
  terms,
  issue: (issue) => schemaTextInChinese(issue.message) ?? byCode(issue),
  fallback: (code) => `请求被拒绝（${code}）。`,
  errors: {
    UNAUTHENTICATED: () => "身份验证失败：请在请求头“Authorization: Bearer <API 密钥>”中发送有效的 API 密钥，或登录控制台（密钥缺失、不存在或已吊销，或控制台会话不存在或已退出）。",
    FORBIDDEN: (p) => {
      if (p.reason === "NO_HOSTED_KEY") return "本 API 未托管该参与方的签名密钥：请自行签名请求，再通过中继提交。";
      if (p.reason === "NO_TAXPAYER_ID") return "该商户没有纳税人识别号，不能开具发票。";
      const role = roleWord(p.role);
      const allowed = listOf(p.allowedRoles)?.map((r) => roleWord(r) ?? r);
      if (allowed !== undefined) return `此操作仅限${allowed.join("或")}账户办理${role === undefined ? "" : `，您的账户是${role}账户`}。`;
      return role === undefined ? "您无权办理此操作。" : `${role}账户无权办理此操作。`;
    },
    PARTICIPANT_REVOKED: () => "该参与方已在账本上注销，其 API 密钥不再有任何访问权限。",
    PARTICIPANT_SUSPENDED: () => "该参与方已在账本上暂停：恢复之前只能查询，不能办理业务。",
    API_KEY_EXPIRED: (p) => `该 API 密钥已过期${textOf(p.expiredAt) === undefined ? "" : `（过期时间 ${textOf(p.expiredAt)!}）`}：请用您的其他密钥创建新密钥，或向税务机关申请补发。`,
    KEY_READ_ONLY: () => "该 API 密钥为只读密钥：只能查询和吊销其自身，不能办理业务；请使用完整权限的密钥。",
    SESSION_EXPIRED: (p) => {
      if (p.reason === "idle") return "控制台会话因长时间未操作已结束，请重新登录。";
      if (p.reason === "lifetime") return "控制台会话已到期，请重新登录。";
      return "控制台会话已结束，请重新登录。";
    },
    CSRF_TOKEN_INVALID: () => "通过控制台会话发送的此请求须在请求头 x-csrf-token 中携带会话的 CSRF 令牌（GET 和 HEAD 以外的每个请求都需要）；请刷新控制台后重试。",
    ACCOUNT_NOT_ADMITTED: () => "该参与方的账户不能在账本上发起交易（已暂停或未登记）。",
    RATE_LIMITED: () => "请求过于频繁，请按响应头 Retry-After 所示的秒数等待后再试。",

    NOT_FOUND: () => "未找到：对象不存在，或您无权查看（领取发票时，也可能是领取码与该发票不符）。",
    NO_SUCH_ROUTE: (p) => (textOf(p.method) !== undefined && textOf(p.path) !== undefined ? `不存在接口 ${textOf(p.method)!} ${textOf(p.path)!}。` : "不存在该接口。"),
    CONSOLE_NOT_BUILT: () => "此服务器尚未构建网页控制台：请运行 `npm run build`（npm start 会在缺失时自动构建）。",
    VALIDATION_FAILED: (p) => firstIssue(p.issues, "请求有误。"),
    INVALID_CURSOR: (p) => {
      const reason = Array.isArray(p.issues) && isFieldIssue(p.issues[0]) ? `（${catalogue.issue(p.issues[0])}）` : "";
      return `翻页游标 cursor 无效${reason}，请去掉 cursor 从第一页重新查询。`;
    },
    MALFORMED_JSON: () => "请求体不是有效的 JSON。",
    MALFORMED_BODY: (p) => `无法按请求头 Content-Encoding${textOf(p.contentEncoding) === undefined ? " " : `（${textOf(p.contentEncoding)!}）`}所示的编码解压请求体。`,
    MALFORMED_PATH: () => "请求路径中有格式错误的 % 转义。",
    BODY_TOO_LARGE: () => "请求体超过了本 API 允许的大小。",
    UNSUPPORTED_ENCODING: () => "请发送 UTF-8 编码的 JSON，不压缩，或以 gzip、deflate、br 压缩。",
    BAD_REQUEST: () => "无法读取该请求。",
    IDEMPOTENCY_KEY_REUSED: (p) =>
      `幂等键 Idempotency-Key${textOf(p.idempotencyKey) === undefined ? " " : `“${textOf(p.idempotencyKey)!}”`}已用于另一个不同的请求；新的请求请使用新的幂等键。`,
    DUPLICATE_REFERENCE: (p) => {
      if ("reason" in p && textOf(p.number) !== undefined) return `该业务单号已经使用过：已据此开具编号为 ${textOf(p.number)!} 的发票。`;
      const reference = "reference" in p ? textOf(p.reference) : undefined;
      return `业务单号${reference === undefined ? "" : `“${reference}”`}已用于另一张内容不同的发票或红字发票。`;
    },
    REFERENCE_IN_PROGRESS: () => "使用该业务单号的请求正在处理中，请稍后重试。",
    PARTICIPANT_REVOKED_FINAL: (p) =>
      `参与方${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!} `}已在账本上注销，注销不可撤回：补发的密钥也不会有任何访问权限。单位可以用其纳税人识别号重新登记（新账户承继已注销的账户）；个人可以重新登记为新账户。`,
    NOTHING_TO_ERASE: () => "该发票的购买方是单位，其名称和纳税人识别号属于公开信息，发票中没有可删除的个人信息。",
    WEBHOOK_URL_NOT_ALLOWED: (p) => {
      switch (p.reason) {
        case "scheme":
          return "Webhook 地址必须是 http 或 https 地址。";
        case "credentials":
          return "Webhook 地址中不能包含用户名或密码，请通过签名验证推送。";
        case "unresolvable":
          return "Webhook 地址的主机名无法解析，请检查名称。";
        case "address":
          return `Webhook 地址的主机解析到非公网地址${textOf(p.range) === undefined ? "" : `（${textOf(p.range)!}）`}：推送只发往互联网上的地址。`;
        default:
          return "不允许使用该 Webhook 地址。";
      }
    },
    WEBHOOK_LIMIT_REACHED: (p) => `Webhook 订阅数已达上限${textOf(p.limit) === undefined ? "" : `（${textOf(p.limit)!} 个）`}，请先删除一个。`,

    INVALID_STATE: (p) => {
      if (p.reason === "InvoiceLedgerCreditNoteNotPending") {
        const status = enumMember(CREDIT_NOTE_STATUSES, p.status);
        return `该红字发票${status === undefined ? "已不是待确认状态" : `当前为“${terms.creditNoteStatus[status]}”状态`}，只有待购买方确认的红字发票才能确认或撤销。`;
      }
      if (p.reason === "ParticipantRegistryInvalidStatusChange") {
        const [from, to] = [enumMember(PARTICIPANT_STATUSES, p.from), enumMember(PARTICIPANT_STATUSES, p.to)];
        if (from === undefined || to === undefined) return "该参与方当前的状态不允许此操作。";
        return from === to ? `该参与方已是“${terms.participantStatus[from]}”状态。` : `该参与方当前为“${terms.participantStatus[from]}”状态，不能变更为“${terms.participantStatus[to]}”。`;
      }
      if (p.reason === "InvoiceLedgerInvalidTransition" && textOf(p.from) !== undefined && textOf(p.from) === textOf(p.to)) return `该发票已是${state(p.from)}状态，不能重复办理。`;
      if (p.reason === "InvoiceLedgerInvalidTransition" && enumMember(INVOICE_STATES, p.from) !== undefined) return `该发票当前为${state(p.from)}状态，不允许此操作${enumMember(INVOICE_STATES, p.to) === undefined ? "" : `（不能变为${state(p.to)}）`}。`;
      return "该发票当前的状态不允许此操作。";
    },
    ALREADY_CLAIMED: () => "该发票已被领取。",
    REVERSAL_PENDING: () => "该发票有一张红字发票正等待购买方确认（红字确认单待确认），须先确认或撤销后才能继续办理。",
    QUOTA_EXCEEDED: (p) =>
      present(p.period, p.requested, p.available)
        ? `${terms.period(p.period)}的开票额度不足：本次需要 ${terms.money(p.requested)}，剩余额度 ${terms.money(p.available)}。`
        : "本所属期的开票额度已用完。",
    INVALID_AMOUNT: (p) => `账本不接受该金额${present(p.total, p.tax) ? `（价税合计 ${terms.money(p.total)}，税额 ${terms.money(p.tax)}）` : ""}：价税合计须大于 0，且不小于税额。`,
    INVALID_DOCUMENT: () => "发票缺少必填项。",
    EMPTY_BATCH: () => "批量开具至少需要一张发票。",
    BUYER_MISMATCH: (p) => {
      const [buyer, enterprise] = [taxpayerIdOf(p.buyerTaxId), taxpayerIdOf(p.enterpriseTaxId)];
      return `发票抬头不符：该发票的购买方是其他单位${buyer === undefined ? "" : `（纳税人识别号 ${buyer}）`}${enterprise === undefined ? "" : `，而非贵单位（${enterprise}）`}，只有购买方才能受理报销。`;
    },
    INVALID_CLAIM_CODE: () => "领取码与该发票不符。",
    INVALID_RECIPIENT: (p) => `接收方${textOf(p.to) === undefined ? "" : ` ${textOf(p.to)!} `}不能持有发票：须为状态正常的个人或企业。`,
    INVALID_PERIOD: (p) => `所属期${present(p.period) ? ` ${terms.period(p.period)} ` : ""}无效，或尚未到来。`,
    REVERSAL_EXCEEDS_REMAINING: (p) =>
      present(p.total, p.tax, p.remainingTotal, p.remainingTax)
        ? `红冲金额超过发票剩余可红冲金额：本次红冲价税合计 ${terms.money(p.total)}（税额 ${terms.money(p.tax)}），剩余可红冲价税合计 ${terms.money(p.remainingTotal)}（税额 ${terms.money(p.remainingTax)}）。`
        : "红冲金额超过发票剩余可红冲金额。",
    FILING_PERIOD_OUT_OF_RANGE: (p) =>
      present(p.period, p.earliest, p.latest)
        ? `入账所属期须在开票所属期（${terms.period(p.earliest)}）与当前所属期（${terms.period(p.latest)}）之间，不能为 ${terms.period(p.period)}。`
        : "入账所属期须在开票所属期与当前所属期之间。",
    PARTY_ACTIVE: (p) => `参与方${textOf(p.party) === undefined ? "" : ` ${textOf(p.party)!} `}仍为正常状态（或不存在）：税务机关只能代已暂停或已注销的参与方处理。`,
    INVALID_ACCOUNT: () => "不能登记零地址账户。",
    SELF_CUSTODY: () => "该参与方自行保管链上密钥，本 API 无法代其签名：请自行签名请求，并提交至 POST /v1/forward。",
    FORWARD_SIGNER_MISMATCH: (p) => `转发请求须由调用方本人的账户${textOf(p.account) === undefined ? "" : `（${textOf(p.account)!}）`}签名，而该请求的 from 是${textOf(p.from) ?? "其他账户"}。`,
    FORWARD_TARGET_NOT_ALLOWED: (p) => {
      const allowed = listOf(p.allowed);
      return `只转发发往发票账本或参与方登记合约${allowed === undefined ? "" : `（${allowed.join("、")}）`}的请求，不转发发往${textOf(p.to) ?? "该地址"}的请求。`;
    },
    FORWARD_CALL_NOT_ALLOWED: (p) => {
      const call = textOf(p.function) ?? (textOf(p.selector) === undefined ? "该调用" : `选择器为 ${textOf(p.selector)!} 的调用`);
      return `${textOf(p.function) === undefined ? call : `调用 ${call}`}不是${roleWord(p.role) === undefined ? "您" : `${roleWord(p.role)!}账户`}可以转发的发票业务操作。`;
    },
    FORWARD_VALUE_NOT_ZERO: (p) => `本账本不涉及支付：请求的 value 必须为 0${textOf(p.value) === undefined ? "" : `，而不是 ${textOf(p.value)!}`}。`,
    FORWARD_GAS_TOO_HIGH: (p) => `请求申请的 gas${textOf(p.gas) === undefined ? "" : `（${textOf(p.gas)!}）`}超过了中继提供的上限${textOf(p.limit) === undefined ? "" : ` ${textOf(p.limit)!}`}。`,
    FORWARD_EXPIRED: (p) => `请求的截止时间${textOf(p.deadline) === undefined ? "" : `（${textOf(p.deadline)!}）`}已过，请以更晚的截止时间重新签名。`,
    FORWARD_REPLAYED: (p) => `该请求已经转发过：其 nonce${textOf(p.nonce) === undefined ? "" : ` ${textOf(p.nonce)!}`} 已被使用${textOf(p.current) === undefined ? "" : `，下一个可用的 nonce 是 ${textOf(p.current)!}`}。`,
    FORWARD_NONCE_AHEAD: (p) => `请求的 nonce${textOf(p.nonce) === undefined ? "" : ` ${textOf(p.nonce)!}`} 超前于下一个可用的 nonce${textOf(p.current) === undefined ? "" : `（${textOf(p.current)!}）`}：请先提交之前的请求。`,
    FORWARD_SIGNATURE_INVALID: () => "签名无效：它不是请求中 from 账户按转发合约的签名域（见 GET /v1/forward/domain）对该请求所作的签名。",
    SIGNATURE_EXPIRED: (p) => `签名消息的截止时间${textOf(p.deadline) === undefined ? "" : `（${textOf(p.deadline)!}）`}已过，请以更晚的截止时间重新签名。`,
    SIGNATURE_REPLAYED: () => "该签名消息已被受理过一次，不再重复受理。",
    SIGNATURE_INVALID: (p) => `签名无效：它不是账户${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!} `}对该消息所作的签名。`,
    CUSTODY_UNCHANGED: (p) => (textOf(p.custody) === undefined ? "该参与方的密钥保管方式已经如此。" : `该参与方的密钥保管方式已经是“${textOf(p.custody)!}”。`),
    CUSTODY_NOT_AVAILABLE: (p) => `只有员工（个人）和企业可以自行保管密钥${roleWord(p.role) === undefined ? "" : `，您的账户是${roleWord(p.role)!}账户`}。`,
    CUSTODY_KEY_MISMATCH: (p) => `所给私钥不是账户${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!} `}的密钥。`,
    ALREADY_REGISTERED: (p) => `账户${textOf(p.account) === undefined ? "" : ` ${textOf(p.account)!} `}已登记${roleWord(p.role) === undefined ? "" : `为${roleWord(p.role)!}`}。`,
    INVALID_TAXPAYER_ID: (p) => `${taxpayerIdOf(p.taxpayerId) === undefined ? "该号码" : `“${taxpayerIdOf(p.taxpayerId)!}”`}不是有效的纳税人识别号（统一社会信用代码）。`,
    TAXPAYER_ID_TAKEN: (p) => `${taxpayerIdOf(p.taxpayerId) === undefined ? "使用该纳税人识别号（统一社会信用代码）" : `纳税人识别号（统一社会信用代码）为 ${taxpayerIdOf(p.taxpayerId)!} `}的单位已经登记。`,
    LEDGER_PAUSED: () => "账本已被税务机关暂停，请待恢复后再试。",
    REJECTED_BY_LEDGER: (p) => `账本拒绝了该请求${textOf(p.reason) === undefined ? "" : `（${textOf(p.reason)!}）`}。`,

    NOT_CONFIRMED: (p) => `账本未能及时确认该交易${inTransaction(p.transactionHash)}，请使用相同的 Idempotency-Key 重试。`,
    TRANSACTION_FAILED: (p) => `账本拒绝了该交易${inTransaction(p.transactionHash)}。`,
    LEDGER_UNAVAILABLE: () => "暂时无法连接账本节点，或节点停止了响应，请稍后重试（写操作请使用相同的 Idempotency-Key 重试）。",
    LEDGER_GAS_CAP: () => "账本节点给本 API 的单次调用 gas 上限不足以处理该请求，需由运维人员为 API 配置节点的管理令牌（LEDGER_ADMIN_TOKEN）。",
    LEDGER_ERROR: () => "账本返回了意外错误，请稍后重试。",
    STORAGE_UNAVAILABLE: () => "API 数据库暂时无法处理请求（磁盘已满、I/O 错误或数据库正在重启），请稍后重试。",
    STORE_CORRUPTED: (p) => `API 的存储中有损坏的数据${textOf(p.file ?? p.path) === undefined ? "" : `（${textOf(p.file ?? p.path)!}）`}，需由运维人员从备份恢复。`,
    INTERNAL: () => "服务器内部出错，已记录日志。",

    DATABASE_UNAVAILABLE: () => "无法连接、启动或初始化 API 数据库：请检查数据库服务器是否在运行、DATABASE_URL 是否正确，或查看内嵌数据库的日志。",
    KEYSTORE_KEY_MISMATCH: (p) => `密钥库主密钥${textOf(p.source) === undefined ? "" : `（${textOf(p.source)!}）`}不是加密保管各参与方密钥时所用的主密钥，请使用正确的主密钥启动。`,
    INDEX_AHEAD_OF_CHAIN: (p) =>
      `API 的事件索引记录了账本上没有的${textOf(p.indexedBlock) === undefined ? "区块" : `区块 ${textOf(p.indexedBlock)!}`}（连接的是另一条链，或该链丢失了区块）：请检查 LEDGER_RPC_URL 和部署文件；如果这条链无误，请停止 API 并运行 \`npm run api:reindex\`。`,
    LEGACY_STORE: (p) => `${textOf(p.path) ?? "数据目录"}中是旧版本 LevelDB 格式的 API 数据：请停止 API，运行 \`npm run api:import-leveldb\` 将其导入数据库。`,
    CONTRACTS_MISMATCH: (p) => {
      const differing = (p.contracts ?? []).filter((c) => c.status !== "match").map((c) => textOf(c.contract)).filter((name) => name !== undefined);
      return `链上的账本合约${differing.length === 0 ? "" : `（${differing.join("、")}）`}不是本版本 API 所对应的合约：请税务机关运行 \`npm run upgrade -- schedule\`，待升级延迟期满后运行 \`npm run upgrade -- execute\` 完成升级；或运行与链上合约相符的版本。`;
    },
    DATABASE_NOT_EMPTY: () => "数据库中已有参与方：LevelDB 旧数据只能导入空数据库。",
  },
};
