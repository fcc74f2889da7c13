import type { CatalogEntry, Validity } from "../core/types.js";
import { splitSentences } from "./sentences.js";

/**
 * When a policy applies: its effective date, its end (a date or a term such as 有效期三年), and the
 * documents it replaces. Read from the text ("自2024年3月1日起施行", "政策期限为2016年至2018年",
 * "原《…》同时废止"), with the catalog or front matter (`effective`, `expires`, `supersedes`) winning.
 */

const cnDigit: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

const datePattern = /(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?/;

/** "2024年3月1日" → 2024-03-01; "2024年3月" → 2024-03; "2024年" → 2024. */
function isoOf(match: RegExpExecArray | RegExpMatchArray): string {
  const [, year, month, day] = match;
  if (!month) return year!;
  if (!day) return `${year}-${pad(Number(month))}`;
  return `${year}-${pad(Number(month))}-${pad(Number(day))}`;
}

/** The last day a period ending at `date` covers: 2018 → 2018-12-31, 2026-06 → 2026-06-30. */
function endOf(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  if (day) return date;
  if (month) return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year!, month, 0)).getUTCDate())}`;
  return `${year}-12-31`;
}

/** `effective` plus a term of `years`, less a day: 2024-03-01 + 3 → 2027-02-28. */
export function addYears(effective: string, years: number): string {
  const [year, month = 1, day = 1] = effective.split("-").map(Number);
  const end = new Date(Date.UTC(year! + years, month - 1, day));
  end.setUTCDate(end.getUTCDate() - 1);
  return `${end.getUTCFullYear()}-${pad(end.getUTCMonth() + 1)}-${pad(end.getUTCDate())}`;
}

function termYears(text: string): number | undefined {
  const match = /([一二两三四五六七八九十]|\d{1,2})\s*年/.exec(text);
  if (!match) return undefined;
  return /\d/.test(match[1]!) ? Number(match[1]) : cnDigit[match[1]!];
}

const effectiveCue = /(?:自|从|于)\s*(\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?)\s*(?:起)?\s*(?:开始)?(?:施行|实施|执行|生效|试行)/;
const fromIssueCue = /自(?:印发|发布|公布|颁布|下发)之日起(?:施行|实施|执行|生效|试行)?/;
// "补贴期限为三年", "扶持期限3年": how long a benefit is paid, not how long the policy runs.
const termCue = /(?:有效期|试行期|执行期|实施期|(?<!补贴|扶持|奖励|补助|减免|租赁|优惠|免租|返还|贴息)期限)(?:限)?(?:为|是)?\s*([一二两三四五六七八九十\d]{1,2})\s*年/;
// "暂定三年有效期", "自2019年1月1日起执行，暂定三年".
const shortTermCue = /(?:暂定|为期|试行)\s*([一二两三四五六七八九十\d]{1,2})\s*年(?:有效期)?|([一二两三四五六七八九十\d]{1,2})\s*年有效期/;
const untilCue = /(?:有效期|执行期限?|实施期限?|政策期限|期限|截止|执行)(?:为|是|自|从|至|到)?[^。；]{0,30}?(?:至|到|截止到?)\s*(\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?)/;
const rangeCue = /(\d{4})\s*(?:年)?\s*(?:[—–\-至到~]|－)\s*(\d{4})\s*年/;
const supersedeCue = /(?:原|同时废止|废止|不再执行|停止执行|予以废止)/;

/** Validity stated in a text, with the sentences that state it. */
export function parseValidity(text: string, documentDate?: string): Validity {
  const validity: Validity = {};
  const statements: string[] = [];
  for (const sentence of splitSentences(text)) {
    const s = sentence.text;
    let used = false;
    const effective = effectiveCue.exec(s);
    if (effective && !validity.effective) {
      validity.effective = isoOf(datePattern.exec(effective[1]!)!);
      used = true;
    } else if (fromIssueCue.test(s) && !validity.effective) {
      if (documentDate) validity.effective = documentDate;
      validity.effectiveFromIssue = true;
      used = true;
    }
    const policyPeriod = /(?:期限|有效期|执行期|实施期|政策期)/.test(s);
    const range = policyPeriod ? rangeCue.exec(s) : null;
    if (range && !validity.expires) {
      validity.effective ??= range[1];
      validity.expires = endOf(range[2]!);
      used = true;
    }
    const until = untilCue.exec(s);
    if (until && !validity.expires) {
      validity.expires = endOf(isoOf(datePattern.exec(until[1]!)!));
      used = true;
    }
    const term = termCue.exec(s) ?? shortTermCue.exec(s);
    if (term && !validity.termYears) {
      validity.termYears = termYears(term[0]);
      validity.term = term[0].replace(/\s+/g, "");
      used = true;
    }
    if (supersedeCue.test(s) && /《[^》]+》/.test(s) && /废止|不再执行|停止执行/.test(s)) {
      const names = [...s.matchAll(/《([^》]+)》/g)].map((match) => match[1]!);
      validity.supersedes = [...new Set([...(validity.supersedes ?? []), ...names])];
      used = true;
    }
    if (used) statements.push(s);
  }
  if (!validity.expires && validity.effective && validity.termYears) validity.expires = addYears(validity.effective, validity.termYears);
  if (statements.length > 0) validity.statements = statements;
  return validity;
}

/** Catalog or front matter wins over the text; a term given there counts from the effective date. */
export function mergeValidity(fromText: Validity, stated: CatalogEntry | undefined, documentDate?: string): Validity | undefined {
  const merged: Validity = { ...fromText };
  if (stated?.effective) merged.effective = stated.effective;
  if (stated?.expires) merged.expires = endOf(stated.expires);
  if (stated?.supersedes) merged.supersedes = stated.supersedes;
  if (merged.effectiveFromIssue && !merged.effective && documentDate) merged.effective = documentDate;
  if (!stated?.expires && merged.effective && merged.termYears && !fromText.expires) merged.expires = addYears(merged.effective, merged.termYears);
  const hasAny = merged.effective || merged.expires || merged.termYears || merged.supersedes?.length || merged.effectiveFromIssue;
  return hasAny ? merged : undefined;
}

/** Whether a policy's end date lies before `today` (ISO date). */
export function hasExpired(validity: Validity | undefined, today: string): boolean {
  return validity?.expires !== undefined && validity.expires < today;
}
