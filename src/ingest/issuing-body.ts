/**
 * Places named by a document's issuer: "中共柳河县委 柳河县人民政府关于…的若干意见" is about 柳河县,
 * whether or not any gazetteer lists 柳河. Read from the title and the first lines, where the issuing
 * body and the document's own name stand.
 */

// The issuer opens a line or follows a separator ("中共柳河县委 柳河县人民政府", "吉林省通化市柳河县人民政府"):
// "…紧紧围绕市委…" inside a sentence names no issuer.
const issuer =
  /(?:^|[ \t\u3000、（(])(?:中共|中国共产党)?(?:[\u4e00-\u9fff]{2,3}省)?(?:[\u4e00-\u9fff]{2,3}[市州盟])?([\u4e00-\u9fff]{2,4}?)(县|市|区|旗)(?:委员会|委|人民政府|人民代表大会|政府|人大常委会|管委会|办公室|党委)/gm;
// "柳河县关于…的若干意见", "柳河县促进…办法": the title opens with the place.
const titleOpening = /^([\u4e00-\u9fff]{2,4}?)(县|市|区|旗)(?=关于|促进|支持|加快|推动|鼓励|进一步|人民政府|招商|优化|扶持|.{0,20}(?:办法|意见|措施|政策|规定|细则|方案))/;

/** Words before 县/市/区 that are not place names (本县, 全市, 我区 …). */
const notPlace = /^(本|全|我|该|各|市县|县市|城区|辖区|园区|开发|高新|新区|经开|示范)|(省|自治|高新|经开|开发|新|园|保税|试验|示范|工业)$/;

export interface IssuingPlace {
  /** "柳河县" */
  name: string;
  /** "柳河" */
  place: string;
}

/** County, city and district names of the issuing body, in order of appearance. */
export function issuingPlaces(title: string, text: string): IssuingPlace[] {
  // The title, and short header lines before the body (a news report's "…并与大宁县人民政府签署…" is no issuer).
  const headerLines = text
    .split("\n")
    .slice(0, 6)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && line.length <= 40 && !/[，。；]/.test(line));
  const head = [title, ...headerLines].join("\n");
  const found: IssuingPlace[] = [];
  const add = (place: string, suffix: string) => {
    // "吉林省通化市柳河县" names the county last: keep the shortest trailing name.
    const trimmed = place.replace(/^.*[省市州盟]/, "");
    let bare = trimmed.length >= 2 ? trimmed : place;
    const name = bare + suffix;
    // "临港地区" is a region named 临港, not a district named 临港地.
    if (suffix === "区" && bare.endsWith("地") && bare.length >= 3) bare = bare.slice(0, -1);
    if (notPlace.test(bare) || bare.length < 2) return;
    if (!found.some((item) => item.name === name)) found.push({ name, place: bare });
  };
  const opening = titleOpening.exec(title.replace(/\s+/g, ""));
  if (opening) add(opening[1]!, opening[2]!);
  for (const match of head.matchAll(issuer)) add(match[1]!, match[2]!);
  return found;
}

/** The place of a county/city/district name ("柳河县" → "柳河"), for names no gazetteer lists. */
export function placeOfAdministrativeName(name: string): string | undefined {
  const match = /^([\u4e00-\u9fff]{2,4}?)(县|市|区|旗)$/.exec(name);
  return match && !notPlace.test(match[1]!) ? match[1] : undefined;
}

/**
 * A county document that calls itself only 县委/县政府/我县 and names one county in its text ("《柳河县
 * 中小企业发展引导资金管理办法》") is about that county. Used when neither title nor issuer names a place.
 */
export function selfNamedCounty(text: string): IssuingPlace | undefined {
  const selfReference = /(县委|县政府|我县|全县|本县|县财政|县级)/g;
  const references = text.match(selfReference)?.length ?? 0;
  if (references < 2) return undefined;
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/(?:^|[《“"（(，。、；：\s省市州])([\u4e00-\u9fff]{1,2})县(?![委政城域内外级直乡])/g)) {
    // "在陇县辖区投资": a preposition before a one-character county (陇县, 沛县) is not part of its name.
    const place = match[1]!.replace(/^[在于对向从由到赴来去经往](?=[\u4e00-\u9fff])/u, "");
    if (notPlace.test(place) || /^[一两三每此该全本各我其他县市区省乡镇村]$/u.test(place)) continue;
    counts.set(place, (counts.get(place) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  // Two counties named equally often: the text does not say which one it is about.
  if (ranked.length === 0 || (ranked[1] && ranked[1][1] === ranked[0]![1])) return undefined;
  return { name: `${ranked[0]![0]}县`, place: ranked[0]![0] };
}
