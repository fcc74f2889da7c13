import type { EvidenceContext } from "../../../src/answer/claims/evidence.js";
import type { Chunk, SearchHit } from "../../../src/core/types.js";
import { detectZones } from "../../../src/ingest/zones.js";
import type { TermGroup } from "../../../src/retrieve/analyze-query.js";

/** Shared fixtures of the claim-round tests: a report passage as a search hit, a plain evidence context, term groups. */

export interface HitOptions {
  title?: string;
  zones?: string[];
  date?: string;
  id?: string;
}

/** A hit maker whose passages are dated `defaultDate` unless told otherwise. */
export function hitsDated(defaultDate: string): (text: string, options?: HitOptions) => SearchHit {
  return (text, { title = "报道", zones = [], date = defaultDate, id = "r.txt#0:0" } = {}) => {
    const chunk: Chunk = { id, source: "news/r.txt", articleId: id.split(":")[0]!, articleIndex: 0, ordinal: 0, title, zones, date, text, indexText: text, start: 0, end: text.length };
    return { chunk, score: 1 };
  };
}

/** Every word is as common as any other; zones and places are read from the text. */
export const plainContext: EvidenceContext = {
  documentFrequency: () => 1,
  documents: 10,
  zoneMentions: (text) => detectZones(text),
  placesIn: (text) => detectZones(text).map((zone) => zone.place),
};

export const group = (label: string, ...alternatives: string[]): TermGroup => ({ label, alternatives: alternatives.length > 0 ? alternatives : [label] });
