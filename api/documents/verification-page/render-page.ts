import { chinaDate, chineseDate } from "../../domain/china-date";
import type { Language } from "../../i18n/language";
import { catalogueOf } from "../../i18n/localize";
import type { PublicVerification } from "../../services/public-verification";
import { html, type Html } from "../html";
import { PAGE_TEXTS } from "./page-texts";

/**
 * The public verification page, written by the server in one language: the verdict and what may be shown of an
 * authentic document (services/public-verification.ts), a form to verify another, and a claim form that stays
 * hidden until the page's script finds a claim code in the address's fragment (claim-script.ts): the fragment
 * never reaches a server, so the code is sent only when the person claims, in the body of POST /v1/claims.
 */
export interface PageInput {
  language: Language;
  /** The page's own path with its query, for the link to the other language. */
  query: { number?: string; checkCode?: string; total?: string };
  outcome: { kind: "form" } | { kind: "invalid" } | { kind: "result"; result: PublicVerification };
}

const issueDate = (iso: string, language: Language) => (language === "zh-CN" ? chineseDate(iso) : chinaDate(iso));

function row(label: string, value: string | Html): Html {
  return html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
}

function resultSection(result: PublicVerification, language: Language): Html {
  const t = PAGE_TEXTS[language];
  const terms = catalogueOf(language).terms;
  const { verdict, facts } = result;
  if (!verdict.authentic) {
    return html`<section class="verdict bad" role="status" data-authentic="false"><h2>${t.notAuthentic}</h2><p>${t.notAuthenticHelp}</p></section>`;
  }
  const state = verdict.state ?? "None";
  const note = state === "Frozen" || state === "Reversed" ? html`<p class="note">${t.stateNotes[state]}</p>` : "";
  const rows: Html[] = [];
  if (facts !== undefined) {
    rows.push(row(t.fields.kind, t.kind[facts.kind]), row(t.fields.number, facts.printedNumber), row(t.fields.issuedAt, issueDate(facts.issuedAt, language)));
    rows.push(row(t.fields.seller, facts.seller.name), row(t.fields.sellerTaxpayerId, facts.seller.taxpayerId));
    const sign = facts.kind === "credit-note" ? "-" : "";
    rows.push(row(t.fields.amount, sign + terms.money(facts.totals.amount)), row(t.fields.tax, sign + terms.money(facts.totals.tax)), row(t.fields.total, sign + terms.money(facts.totals.total)));
    if (facts.original !== undefined) rows.push(row(t.fields.original, facts.original.printedNumber));
  }
  rows.push(row(t.fields.state, html`<span class="state" data-state="${state}">${terms.invoiceState[state]}</span>`));
  if (verdict.creditNoteStatus !== undefined) rows.push(row(t.fields.creditNoteStatus, terms.creditNoteStatus[verdict.creditNoteStatus]));
  return html`<section class="verdict good" role="status" data-authentic="true"><h2>${t.authentic}</h2>${note}<table>${rows}</table><p class="privacy">${t.privacy}</p></section>`;
}

export function renderVerificationPage(input: PageInput): string {
  const { language, query, outcome } = input;
  const t = PAGE_TEXTS[language];
  const other = new URLSearchParams({ ...query, lang: t.otherLanguage.lang }).toString();
  const result = outcome.kind === "result" ? resultSection(outcome.result, language) : outcome.kind === "invalid" ? html`<section class="verdict bad" role="alert"><p>${t.invalidLink}</p></section>` : "";
  // Only an issued invoice can be claimed (one already claimed answers ALREADY_CLAIMED when tried: the page cannot tell).
  const claimable = outcome.kind === "result" && outcome.result.verdict.authentic && outcome.result.verdict.state === "Issued" && outcome.result.facts?.kind === "invoice";
  const claim = claimable
    ? html`<form id="claim" class="claim" hidden data-number="${query.number}" data-check-code="${query.checkCode}" data-language="${language}" data-working="${t.claim.working}" data-claimed="${t.claim.claimed}" data-failed="${t.claim.failed}" data-signed-in-as="${t.claim.signedInAs}" data-states="${JSON.stringify(catalogueOf(language).terms.invoiceState)}">
  <fieldset><legend>${t.claim.legend}</legend><p>${t.claim.help}</p>
  <p class="signed-in" hidden></p>
  <label class="key-field">${t.claim.apiKey} <input name="apiKey" type="password" autocomplete="off" required></label>
  <button type="submit">${t.claim.submit}</button><p class="outcome" role="status" aria-live="polite"></p>
  <p class="to-console" hidden><a href="/console/">${t.claim.openConsole}</a></p></fieldset></form>`
    : "";
  return html`<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${t.title}</title>
<style>
/* No system-ui: on Linux, Chromium's system-ui falls back to a font without Chinese before reaching the next family. */
@font-face{font-family:"Ledger Noto Sans SC";src:url("/verify/noto-sans-sc.ttf") format("truetype");font-weight:100 900;font-display:swap;unicode-range:U+3000-303F,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FF00-FFEF}
body{font-family:-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","Ledger Noto Sans SC",sans-serif;margin:0;background:#f5f6f8;color:#1d2129;line-height:1.5}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:2px solid #9b1c1c;margin-bottom:1rem}
h1{font-size:1.4rem;margin:.5rem 0;color:#9b1c1c}
.verdict{border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0;background:#fff;border-left:.4rem solid}
.good{border-color:#1f7a3a}.bad{border-color:#b42318}
.good h2{color:#1f7a3a}.bad h2{color:#b42318}
h2{font-size:1.2rem;margin:.25rem 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #e5e6eb;vertical-align:top}th{font-weight:normal;color:#4e5969;width:45%}
.note{background:#fff4e5;padding:.5rem;border-radius:.3rem}.privacy{color:#86909c;font-size:.85rem}
fieldset{border:1px solid #c9cdd4;border-radius:.5rem;background:#fff;margin:1rem 0}
[hidden]{display:none!important}label{display:block;margin:.5rem 0}input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #c9cdd4;border-radius:.3rem}
button,input{font:inherit}
button{padding:.5rem 1.5rem;font-size:1rem;background:#9b1c1c;color:#fff;border:0;border-radius:.3rem;cursor:pointer}button:disabled{opacity:.6}
</style></head>
<body><main>
<header><h1>${t.title}</h1><a href="?${other}" hreflang="${t.otherLanguage.lang}">${t.otherLanguage.label}</a></header>
<p>${t.intro}</p>
${result}
${claim}
<form method="get" action="">
<fieldset><legend>${t.form.legend}</legend>
<input type="hidden" name="lang" value="${language}">
<label>${t.form.number} <input name="number" inputmode="numeric" pattern="[0-9]{1,20}" required value="${query.number}"></label>
<label>${t.form.checkCode} <input name="checkCode" inputmode="numeric" pattern="[0-9]{20}" required value="${query.checkCode}"></label>
<label>${t.form.totalYuan} <input name="totalYuan" inputmode="decimal" pattern="[0-9]+(\\.[0-9]{1,2})?" required></label>
<button type="submit">${t.form.submit}</button>
</fieldset></form>
</main>
<script src="/verify/claim.js" defer></script>
</body></html>
`.text;
}
