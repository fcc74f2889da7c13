import type { Answer, Citation } from "../../core/types.js";
import type { FactStore } from "../../facts/fact-store.js";
import { samePeriod, withinPeriod } from "../../facts/period.js";
import type { Fact, Period } from "../../facts/types.js";
import type { ChunkStore } from "../../index/chunk-store.js";
import type { Lead, Subject } from "./fact-lead.js";

/**
 * Puts a composed first paragraph above an answer's quoted evidence: every fact the lead cites
 * gets a citation (its passage is added when retrieval did not bring it), its sentence is quoted
 * below, and quoted sentences whose figures contradict the lead (the same metric of the same zone
 * for another period, one event, or the city instead of the zone) are dropped.
 */

export interface AttachOptions {
  /** Where the passage a fact comes from is looked up by id, to cite it. */
  chunks: Pick<ChunkStore, "byId">;
  facts: FactStore;
  period?: Period;
  subjects?: Subject[];
  /** The answer's first line is a lead of its own (English extractive answers) and is replaced. */
  replaceFirstLine?: boolean;
}

const markerLine = /\[(\d+)\][。！？!?]?$/u;

export function attachLead(answer: Answer, lead: Lead, options: AttachOptions): Answer {
  const citations: Citation[] = answer.citations.map((citation) => ({ ...citation }));
  let lines = answer.answer.split("\n").filter((line) => line.trim() !== "");
  if (options.replaceFirstLine) lines = lines.slice(1);
  const quoted = new Set(lines.map((line) => bare(line)));

  const numberFor = (fact: Fact): number | undefined => {
    let citation = citations.find((item) => item.chunkId === fact.chunkId);
    if (!citation) {
      const chunk = options.chunks.byId(fact.chunkId);
      if (!chunk) return undefined;
      citation = { n: citations.length + 1, source: chunk.source, title: chunk.title, zone: chunk.zones[0] ?? "", date: chunk.date, quote: "", chunkId: chunk.id, start: chunk.start, end: chunk.end };
      citations.push(citation);
    }
    if (!quoted.has(bare(fact.sentence))) {
      quoted.add(bare(fact.sentence));
      lines.push(`${fact.sentence.replace(/[。；;，,]$/u, "")}[${citation.n}]。`);
      citation.quote = `${citation.quote}${fact.sentence}`;
    }
    return citation.n;
  };

  let text = lead.text;
  for (const fact of lead.facts) {
    const n = numberFor(fact);
    text = text.split(`{{fact:${fact.id}}}`).join(n === undefined ? "" : `[${n}]`);
  }
  text = text.replace(/\{\{fact:[^}]+\}\}/g, "").replace(/ +([.;,])/g, "$1");

  // Under a lead made of facts, the evidence is those facts' sentences and figure-free context:
  // another sentence's figures (another metric, period or zone) would only blur the answer.
  const leadSentences = new Set(lead.facts.map((fact) => bare(fact.sentence)));
  const kept = lines.filter((line) => !contradicts(line, lead.facts, options) && !(lead.facts.length > 0 && !leadSentences.has(bare(line)) && options.facts.inSentence(bare(line)).length > 0));
  // Citations no kept line uses are dropped, and the rest renumbered 1..k in order of first use.
  const whole = [text, ...kept].join("\n");
  const order: number[] = [];
  for (const match of whole.matchAll(/\[(\d+)\]/g)) {
    const n = Number(match[1]);
    if (!order.includes(n) && citations.some((citation) => citation.n === n)) order.push(n);
  }
  const renumber = new Map(order.map((n, index) => [n, index + 1]));
  const renumbered = whole.replace(/\[(\d+)\]/g, (marker, n: string) => (renumber.has(Number(n)) ? `[${renumber.get(Number(n))}]` : marker));
  const keptCitations = order.map((n) => ({ ...citations.find((citation) => citation.n === n)!, n: renumber.get(n)! }));
  return { ...answer, answer: renumbered, citations: keptCitations, refused: lead.refused ?? false };
}

function bare(line: string): string {
  return line.replace(markerLine, "").replace(/\[\d+\]/g, "").replace(/[。！？!?；;，,\s]+$/u, "");
}

function contradicts(line: string, leadFacts: Fact[], options: AttachOptions): boolean {
  const facts = options.facts.inSentence(bare(line));
  if (facts.length === 0) return false;
  const askedPlaces = new Set((options.subjects ?? []).map((subject) => subject.place));
  const askedZone = (options.subjects ?? []).some((subject) => subject.level === "zone" || (subject.zone !== undefined && subject.zone !== subject.place));
  const conflicting = (fact: Fact) => {
    if (leadFacts.some((lead) => lead.id === fact.id || lead.sentence === fact.sentence)) return false;
    const sameThing = leadFacts.some((lead) => lead.metric === fact.metric && lead.place === fact.place && fact.metric !== "other");
    if (sameThing && leadFacts.some((lead) => lead.metric === fact.metric && lead.raw !== fact.raw)) {
      if (fact.event || fact.scope) return true;
      if (options.period && fact.period && !samePeriod(fact.period, options.period) && !withinPeriod(fact.period, options.period)) return true;
    }
    // A zone was asked: the city's figures for the same place are another level.
    if (askedZone && askedPlaces.has(fact.place) && fact.level === "city") return true;
    if (options.period && fact.period && askedPlaces.has(fact.place) && fact.metric !== "other" && !samePeriod(fact.period, options.period) && !withinPeriod(fact.period, options.period) && !withinPeriod(options.period, fact.period)) return true;
    return false;
  };
  return facts.every(conflicting);
}
