import type { Express, RequestHandler } from "express";

import { parseYuan } from "../domain/yuan";
import { LEDGER_BOUNDS } from "../domain/ledger-bounds";
import { parseNumber, type NumberInput } from "../domain/printed-number";
import { fontPaths } from "../documents/pdf/fonts";
import { CLAIM_SCRIPT } from "../documents/verification-page/claim-script";
import { renderVerificationPage, type PageInput } from "../documents/verification-page/render-page";
import { languageFor } from "../i18n/negotiate";
import { languageNamed } from "../i18n/language";
import type { PublicVerificationService } from "../services/public-verification";

const CHINESE_FONT = fontPaths().regular;

/**
 * The public verification page (GET /verify), the address an invoice's QR code opens: server-written HTML in
 * Chinese (the default) or English (`lang=en`, or the browser's Accept-Language), no login, rate limited per
 * client address like the verify routes. The query is what is printed on the invoice: `number` (20 digits, or
 * the ledger's number), `checkCode`, and `total` in fen (the QR code's) or `totalYuan` (what a person types).
 */
export function mountVerificationPage(app: Express, deps: { lookup: PublicVerificationService["lookup"]; limiter: RequestHandler }): void {
  app.get("/verify/claim.js", (_req, res) => {
    res.type("text/javascript").set("cache-control", "public, max-age=300").send(CLAIM_SCRIPT);
  });
  // The page's last-resort font for Chinese (the npm package's Noto Sans SC): a browser fetches it only for
  // characters that no font it has (PingFang, YaHei, Noto CJK, ...) shows, which on phones and desktops is none.
  app.get("/verify/noto-sans-sc.ttf", (_req, res) => {
    res.type("font/ttf").set("cache-control", "public, max-age=604800, immutable").sendFile(CHINESE_FONT);
  });
  app.get("/verify", deps.limiter, async (req, res) => {
    const raw = req.query as Record<string, unknown>;
    const text = (name: string) => (typeof raw[name] === "string" ? (raw[name] as string) : undefined);
    const named = text("lang") === undefined ? undefined : languageNamed(text("lang")!);
    const language = named ?? languageFor(req.get("accept-language"), "zh-CN");
    const query = { number: text("number")?.trim(), checkCode: text("checkCode")?.trim(), total: text("total")?.trim() };
    const given = ["number", "checkCode", "total", "totalYuan"].some((name) => raw[name] !== undefined);
    let outcome: PageInput["outcome"] = { kind: "form" };
    if (given) {
      const parsed = parseQuery(query.number, query.checkCode, query.total, text("totalYuan"));
      outcome = parsed === undefined ? { kind: "invalid" } : { kind: "result", result: await deps.lookup(parsed) };
      if (parsed !== undefined) query.total = parsed.total.toString();
    }
    const shown = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as PageInput["query"];
    res
      .status(outcome.kind === "invalid" ? 400 : 200)
      .type("html")
      .set("cache-control", "no-store")
      .send(renderVerificationPage({ language, query: shown, outcome }));
  });
}

function parseQuery(number: string | undefined, checkCode: string | undefined, total: string | undefined, totalYuan: string | undefined): { number: NumberInput; checkCode: bigint; total: bigint } | undefined {
  const parsedNumber = number === undefined ? undefined : parseNumber(number);
  if (parsedNumber === undefined || checkCode === undefined || !/^[0-9]{20}$/.test(checkCode) || BigInt(checkCode) > LEDGER_BOUNDS.checkCode) return undefined;
  const fen = total !== undefined ? (/^(0|[1-9][0-9]{0,14})$/.test(total) ? BigInt(total) : undefined) : totalYuan === undefined ? undefined : parseYuan(totalYuan);
  if (fen === undefined || fen > LEDGER_BOUNDS.totalFen) return undefined;
  return { number: parsedNumber, checkCode: BigInt(checkCode), total: fen };
}
