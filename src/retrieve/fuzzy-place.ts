/**
 * Misspelled pinyin place names in English questions ("Hengyng", "Changzih", "Leshna"): a word
 * that names no known place is compared with the English names of the places the index covers
 * by edit distance (a dropped, added, changed or swapped letter), and replaced when exactly one
 * place is close. The caller tells the user which place it assumed.
 */

export interface PlaceCorrection {
  written: string;
  place: string;
  english: string;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

const normalize = (word: string) => word.toLowerCase().replace(/[^a-z]/g, "");

/**
 * `places`: the places the index covers with their English names. Words already naming a place,
 * short words and lower-case words (ordinary English) are left alone.
 */
export function correctPlaceNames(text: string, places: { place: string; english: string }[], isKnownPlace: (word: string) => boolean): { text: string; corrections: PlaceCorrection[]; ambiguous: { written: string; options: PlaceCorrection[] }[] } {
  const corrections: PlaceCorrection[] = [];
  const ambiguous: { written: string; options: PlaceCorrection[] }[] = [];
  const targets = places.map((item) => ({ ...item, key: normalize(item.english) })).filter((item) => item.key.length >= 4);
  const corrected = text.replace(/\b[A-Z][a-z]{3,}(?:['’][a-z]+)?\b/g, (word) => {
    const bare = word.replace(/['’]s$/i, "");
    const key = normalize(bare);
    if (isKnownPlace(bare) || targets.some((target) => target.key === key)) return word;
    const allowed = key.length >= 8 ? 2 : 1;
    const close = targets.map((target) => ({ target, distance: editDistance(key, target.key) })).filter((item) => item.distance <= allowed);
    if (close.length === 0) return word;
    const best = Math.min(...close.map((item) => item.distance));
    const winners = [...new Map(close.filter((item) => item.distance === best).map((item) => [item.target.english, item.target])).values()];
    // Two places equally close ("Changzi": Changzhi or Changji): guessing would answer about the wrong one; ask.
    if (winners.length !== 1) {
      ambiguous.push({ written: bare, options: winners.map((target) => ({ written: bare, place: target.place, english: target.english })) });
      return word;
    }
    const winner = winners[0]!;
    corrections.push({ written: bare, place: winner.place, english: winner.english });
    return word.replace(bare, winner.english);
  });
  return { text: corrected, corrections, ambiguous };
}
