import { pinyin } from "pinyin-pro";

/**
 * English display names for zones: 安康高新区 → "Ankang High-tech Zone (安康高新区)". The place part
 * comes from the gazetteer (pinyin or an admin override), the kind from this table.
 */
const kindNames: [string, string][] = [
  ["高新技术产业开发区", "High-tech Industrial Development Zone"],
  ["经济技术开发区", "Economic and Technological Development Zone"],
  ["综合保税区", "Comprehensive Bonded Zone"],
  ["高新区", "High-tech Zone"],
  ["经开区", "Economic Development Zone"],
  ["经济开发区", "Economic Development Zone"],
  ["工业园区", "Industrial Park"],
  ["示范区", "Demonstration Zone"],
  ["开发区", "Development Zone"],
  ["自贸区", "Free Trade Zone"],
  ["新区", "New Area"],
  ["市", "City"],
  ["县", "County"],
];

export function englishZoneName(zone: string, english: (place: string) => string, place?: string): string {
  if (!/[\u4e00-\u9fff]/.test(zone)) return zone;
  const kind = kindNames.find(([suffix]) => zone.endsWith(suffix));
  const placePart = place ?? (kind ? zone.slice(0, zone.length - kind[0].length) : zone);
  const name = kind && placePart.length > 0 && zone.startsWith(placePart) ? `${english(placePart)} ${kind[1]}` : english(placePart);
  return `${name} (${zone})`;
}

/** A place no gazetteer names in English (盘 of 盘县, a one-character county): its pinyin. */
export function pinyinPlace(zh: string): string {
  if (!/[\u4e00-\u9fff]/u.test(zh)) return zh;
  const syllables = (pinyin(zh, { toneType: "none", type: "array", v: true }) as string[]).join("");
  return syllables.charAt(0).toUpperCase() + syllables.slice(1);
}
