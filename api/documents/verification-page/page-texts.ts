import type { Language } from "../../i18n/language";

/** Everything a person reads on the public verification page, per language (zh-CN first: the page's default). */
export interface PageTexts {
  title: string;
  intro: string;
  otherLanguage: { label: string; lang: Language };
  authentic: string;
  notAuthentic: string;
  notAuthenticHelp: string;
  invalidLink: string;
  kind: { invoice: string; "credit-note": string };
  fields: { kind: string; number: string; issuedAt: string; seller: string; sellerTaxpayerId: string; amount: string; tax: string; total: string; state: string; creditNoteStatus: string; original: string };
  stateNotes: { Frozen: string; Reversed: string };
  form: { legend: string; number: string; checkCode: string; totalYuan: string; submit: string };
  claim: { legend: string; help: string; apiKey: string; submit: string; claimed: string; failed: string; working: string; signedInAs: string; openConsole: string };
  privacy: string;
}

export const PAGE_TEXTS: Readonly<Record<Language, PageTexts>> = {
  "zh-CN": {
    title: "电子发票查验",
    intro: "输入发票上印有的发票号码、校验码和价税合计，或扫描发票上的二维码，即可查验发票是否真实，以及它在账本上的当前状态。",
    otherLanguage: { label: "English", lang: "en" },
    authentic: "查验结果：真实有效",
    notAuthentic: "查验结果：不一致",
    notAuthenticHelp: "账本上没有与该发票号码、校验码和价税合计都相符的发票。请核对发票上印有的信息；被涂改或伪造的发票不会通过查验。",
    invalidLink: "链接中的查验信息不完整或格式不正确，请手工输入发票上的信息。",
    kind: { invoice: "电子发票（普通发票）", "credit-note": "红字电子发票（普通发票）" },
    fields: { kind: "发票类型", number: "发票号码", issuedAt: "开票日期", seller: "销售方名称", sellerTaxpayerId: "销售方统一社会信用代码/纳税人识别号", amount: "金额", tax: "税额", total: "价税合计", state: "发票状态", creditNoteStatus: "红冲状态", original: "被红冲蓝字发票号码" },
    stateNotes: { Frozen: "该发票已被税务机关冻结，冻结期间不能报销或转让。", Reversed: "该发票已全额红冲，不能再用于报销。" },
    form: { legend: "查验一张发票", number: "发票号码（20 位）", checkCode: "校验码（20 位）", totalYuan: "价税合计（元）", submit: "查验" },
    claim: {
      legend: "领取这张发票",
      help: "这是购买方联：链接中带有领取码。领取码只保存在本页面中，不会发送到服务器，直到您点击“领取”。已登录控制台的个人或企业直接领取；否则请输入 API 密钥登录（密钥只用于登录，浏览器不会保存）。",
      apiKey: "API 密钥",
      submit: "领取",
      claimed: "已领取，发票状态：",
      failed: "未能领取：",
      working: "正在领取……",
      signedInAs: "将以此身份领取：",
      openConsole: "在控制台中查看我的发票",
    },
    privacy: "本页面不显示购买方等个人信息。",
  },
  en: {
    title: "E-invoice verification",
    intro: "Enter the invoice number, check code and total printed on the invoice, or scan its QR code, to check that it is authentic and see its current state on the ledger.",
    otherLanguage: { label: "中文", lang: "zh-CN" },
    authentic: "Authentic",
    notAuthentic: "Not authentic",
    notAuthenticHelp: "The ledger holds no invoice with this number, check code and total. Check what is printed on the invoice: an altered or forged invoice never verifies.",
    invalidLink: "The link's verification details are incomplete or malformed; type in what is printed on the invoice.",
    kind: { invoice: "E-invoice (general VAT invoice)", "credit-note": "Red-letter credit note" },
    fields: { kind: "Type", number: "Invoice number", issuedAt: "Date of issue", seller: "Seller", sellerTaxpayerId: "Seller's unified social credit code", amount: "Amount", tax: "Tax", total: "Total including tax", state: "State", creditNoteStatus: "Credit note status", original: "Reverses invoice" },
    stateNotes: { Frozen: "The tax bureau has frozen this invoice: while frozen it cannot be reimbursed or transferred.", Reversed: "This invoice has been reversed in full and cannot be reimbursed." },
    form: { legend: "Verify an invoice", number: "Invoice number (20 digits)", checkCode: "Check code (20 digits)", totalYuan: "Total including tax (yuan)", submit: "Verify" },
    claim: {
      legend: "Claim this invoice",
      help: "This is the buyer's copy: the link carries its claim code. The claim code stays in this page and is not sent to any server until you press Claim. An individual or enterprise signed in to the console claims directly; otherwise sign in with your API key (used only to sign in; the browser does not keep it).",
      apiKey: "API key",
      submit: "Claim",
      claimed: "Claimed. State: ",
      failed: "Could not claim: ",
      working: "Claiming…",
      signedInAs: "You will claim as: ",
      openConsole: "See my invoices in the console",
    },
    privacy: "This page shows nothing personal about the buyer.",
  },
};
