/**
 * EN 16931 wants each line's unit of measure as a code of UN/ECE Recommendation 20 or 21 (BT-130, BR-23,
 * BR-CL-23); our documents hold the unit as the merchant typed it, usually in Chinese. A unit that names a
 * measure with a code gets that code; counted things (个, 件, 台, 张 ...), units with no code of their own
 * (斤, 亩 ...) and anything not recognised get C62 "one", the code for a plain count. Nothing is converted:
 * 10 斤 stays a count of 10 at the printed unit price rather than becoming 5 KGM, because quantity, unit price
 * and amount must stay those of the Chinese invoice. The unit as typed travels with the line as an item
 * attribute (BG-32), so the mapping loses nothing.
 *
 * Every code here is in the code list BR-CL-23 checks (EN 16931 validation artefacts 1.3.16).
 */
export const COUNT_UNIT_CODE = "C62";

const UNIT_CODES: Readonly<Record<string, string>> = {
  // mass
  千克: "KGM", 公斤: "KGM", kg: "KGM",
  克: "GRM", g: "GRM",
  毫克: "MGM", mg: "MGM",
  吨: "TNE", t: "TNE",
  // length, area, volume
  米: "MTR", m: "MTR",
  千米: "KMT", 公里: "KMT", km: "KMT",
  厘米: "CMT", cm: "CMT",
  毫米: "MMT", mm: "MMT",
  平方米: "MTK", "㎡": "MTK", m2: "MTK", "m²": "MTK",
  立方米: "MTQ", m3: "MTQ", "m³": "MTQ",
  升: "LTR", 公升: "LTR", l: "LTR",
  毫升: "MLT", ml: "MLT",
  // energy: 度 on a Chinese invoice is a kilowatt hour of electricity
  千瓦时: "KWH", 度: "KWH", kwh: "KWH",
  // time
  分钟: "MIN",
  小时: "HUR", h: "HUR",
  天: "DAY", 日: "DAY",
  周: "WEE", 星期: "WEE",
  月: "MON", 个月: "MON",
  年: "ANN",
  // sets and packages (Recommendation 21 codes where 20 has none)
  套: "SET",
  双: "PR", 对: "PR",
  箱: "XBX", 盒: "XBX",
  包: "XPK",
  瓶: "XBO",
  袋: "XBG",
  卷: "XRO",
};

/** The UN/ECE Recommendation 20/21 code for a unit as typed on our document (C62 when none fits). */
export function unitCode(unit: string | undefined): string {
  if (unit === undefined) return COUNT_UNIT_CODE;
  const key = unit.trim().toLowerCase();
  return Object.hasOwn(UNIT_CODES, key) ? (UNIT_CODES[key] ?? COUNT_UNIT_CODE) : COUNT_UNIT_CODE;
}

/** Every code `unitCode` can answer (for tests against the code list). */
export function unitCodesInUse(): string[] {
  return [...new Set([COUNT_UNIT_CODE, ...Object.values(UNIT_CODES)])].sort();
}
