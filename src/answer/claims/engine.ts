import type { Answer, SearchHit } from "../../core/types.js";
import { isHeadingSentence } from "../../ingest/policy-structure.js";
import { isInstructionLike } from "../../ingest/instructions.js";
import { gatherEvidence, type EvidenceContext, type EvidenceSentence } from "./evidence.js";
import { zoneKindOf, type Frame } from "./frame.js";
import { renderFigures, renderPerson, renderSides, renderStatement, renderTier, renderUndecided, renderVerdict } from "./render.js";
import { compareSides, conditionAsked, figureStrategy, personStrategy, rankFigures, sidesStrategy, tierStrategy, yesNoStrategy } from "./strategies.js";
import { checkFigure, verifyFigure } from "./verify.js";
import { statementStrategy } from "./statements.js";
import { refusal, topicOf } from "../refusal.js";
import { holds, termWeight } from "./evidence.js";
import type { FramePart } from "./frame.js";
import { metricTerms } from "./strategies.js";

/**
 * frame → strategies → claims → verify → render. Returns an answer only when a strategy produced
 * a claim that passed verification (or, for yes/no, an explicit "cannot tell"); otherwise
 * undefined, and the caller answers with quoted passages and no claim of its own.
 */

export function answerWithClaims(asked: Frame, hits: SearchHit[], context: EvidenceContext, trace?: (line: string) => void, options: { tiersOnly?: boolean } = {}): Answer | undefined {
  // The names the subject's own passages give it are names, not measures ("rare earth" of 稀土高新区).
  const frame: Frame = {
    ...asked,
    subjects: asked.subjects.map((subject) => ({
      ...subject,
      // Only names of the subject itself: with its place, or bare ("稀土高新区" in a report on 包头), not the other zones a report names.
      // A report's lead zone is the subject's bare name only when it names no other place ("稀土高新区", not "昆山经开区").
      aliases: [...new Set(hits.flatMap((hit) => (hit.chunk.zones.some((zone) => zone.includes(subject.place)) ? hit.chunk.zones.filter((zone) => zone !== subject.place && (zone.includes(subject.place) || (hit.chunk.zones.indexOf(zone) === 0 && !context.placesIn(zone).some((place) => place !== subject.place))) && sameKind(zone, subject.kind)) : [])))],
    })),
  };
  const evidence = usable(gatherEvidence(frame, hits, context));
  const verify = verifyFigure(frame);
  if (trace) traceFrame(frame, evidence, context, trace);
  // The asker states their case ("larger than 500 mu"): the rule's tier for it answers first.
  const tier = frame.intent !== "person" ? tierStrategy(frame, evidence) : undefined;
  if (tier) return renderTier(frame, tier);
  if (options.tiersOnly) return undefined;
  // "涉及哪6大产业", "which was the largest project": the report's own clause says it.
  if (frame.statement && frame.intent !== "person") {
    const statement = statementStrategy(frame, frame.statement, evidence, context);
    if (trace) trace(`statement ${JSON.stringify(frame.statement)} → ${statement?.clause ?? "none"}`);
    if (statement) return renderStatement(frame, statement);
  }
  // Two subjects named apart, each asked about: answered side by side (and compared when asked).
  if (frame.sides && frame.intent === "figure") {
    const evidenceFor = (side: Frame) => usable(gatherEvidence(side, hits, context));
    const sides = sidesStrategy(frame, evidenceFor, context, verifyFigure);
    if (trace) for (const side of sides) traceFrame(side.frame, evidenceFor(side.frame), context, trace);
    return sides.some((side) => side.claims.length > 0) ? renderSides(frame, sides, compareSides(frame, sides)) : undefined;
  }
  switch (frame.intent) {
    case "yesno": {
      const verdict = yesNoStrategy(frame, evidence, context, verify);
      if (verdict) return renderVerdict(frame, verdict);
      // What is asked about is nowhere in the subject's passages: not "cannot tell", but not covered.
      const asked: FramePart = { text: frame.question, asked: [], terms: frame.terms.filter((group) => !frame.condition || !frame.condition.text.includes(group.label)) };
      const missing = unreportedPart({ ...frame, parts: [asked] }, evidence, context);
      if (missing) return refusal(frame.language, topicOf(frame.question, frame.language), frame.question);
      return renderUndecided(frame, closest(evidence));
    }
    case "person": {
      const person = personStrategy(frame, evidence, context);
      return person ? renderPerson(frame, person) : undefined;
    }
    case "figure": {
      const claims = figureStrategy(frame, evidence, context, verify);
      // Every asked part answered, or none claimed: half an answer in the lead reads as the whole.
      const asked = frame.parts.filter((part) => part.asked.length > 0 && !part.asked.includes("person"));
      if (claims.length > 0 && claims.length === asked.length) return renderFigures(frame, claims);
      // Some parts verified: those are answered, and the others said to be missing, by name.
      if (claims.length > 0) return renderFigures(frame, claims, asked.filter((part) => !claims.some((claim) => claim.part === part)));
      const missing = unreportedPart(frame, evidence, context) ?? ungovernedPart(frame, evidence, context) ?? otherPeriodOnly(frame, evidence, context);
      return missing ? refusal(frame.language, topicOf(missing.text, frame.language), frame.question) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A part whose measure no passage about the subject speaks of ("实际利用外资" in a report that never
 * mentions foreign capital): refused from the evidence, not for a missing function word. A part
 * counts as reported when some sentence about the subject holds a third of its measure's weight.
 */
function unreportedPart(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext): FramePart | undefined {
  if (frame.subjects.length !== 1) return undefined;
  const subject = frame.subjects[0]!;
  const about = evidence.filter((sentence) => sentence.hit.chunk.zones.some((zone) => zone.includes(subject.place)) || sentence.text.includes(subject.place));
  if (about.length === 0) return undefined;
  for (const part of frame.parts) {
    const measured = metricTerms(part, frame).filter((group) => group.weight === undefined || group.weight >= 1);
    if (measured.length === 0) continue;
    const total = measured.reduce((sum, group) => sum + termWeight(group, context), 0);
    const best = Math.max(...about.map((sentence) => measured.filter((group) => holds(sentence.text, group)).reduce((sum, group) => sum + termWeight(group, context), 0) / total));
    if (process.env.EXPLAIN_CLAIMS) process.stderr.write(`unreported? "${part.text}" best=${best.toFixed(2)} of ${measured.map((group) => group.label).join(",")}\n`);
    if (best < 0.34) return part;
  }
  return undefined;
}

/**
 * A part whose measure the subject's passages name, but never with a figure of the asked kind
 * ("进出口增势良好" and no amount): the figure is not reported, and saying so beats quoting around it.
 */
function ungovernedPart(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext): FramePart | undefined {
  if (frame.subjects.length !== 1) return undefined;
  for (const part of frame.parts) {
    if (part.asked.length === 0 || part.asked.includes("person") || metricTerms(part, frame).length === 0) continue;
    const ranked = rankFigures(frame, part, evidence, context);
    if (!ranked.some((claim) => claim.local > 0 && claim.subject >= 0)) return part;
  }
  return undefined;
}

/**
 * A part whose measure the subject's passages give only for other periods ("2015年…1014.51亿元" when
 * 2016 is asked): the asked period is not reported, and quoting the other year's figure would read as an answer.
 */
function otherPeriodOnly(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext): FramePart | undefined {
  // "今年上半年" with no year written is read as this year; an older report's figure may still be what is meant.
  if (!frame.period || frame.subjects.length !== 1 || !/(?:19|20)\d{2}/u.test(frame.question)) return undefined;
  for (const part of frame.parts) {
    if (part.asked.length === 0 || part.asked.includes("person")) continue;
    // (A plan for another year — "2016年…财政总收入突破2个亿" when 2015 is asked — is no figure of the asked year either.)
    const governed = rankFigures(frame, part, evidence, context).filter((claim) => claim.local >= 0.5 && claim.subject >= 0 && !claim.quantity.threshold && !(claim.quantity.notResult && frame.asksPlan));
    if (governed.length > 0 && governed.every((claim) => claim.period < 0 || claim.quantity.notResult) && governed.some((claim) => claim.period < 0)) return part;
  }
  return undefined;
}

/** A zone of the asked kind, or of none named (银川经开区 is not an alias of 银川高新区). */
function sameKind(zone: string, kind: string | undefined): boolean {
  const own = zoneKindOf(zone);
  return !kind || !own || own === kind;
}

/** Headings and instructions planted in a document are never evidence. */
function usable(evidence: EvidenceSentence[]): EvidenceSentence[] {
  return evidence.filter((sentence) => /[\u4e00-\u9fa5]/u.test(sentence.text) && !isHeadingSentence(sentence.text) && !isInstructionLike(sentence.text));
}

function closest(evidence: EvidenceSentence[]): EvidenceSentence | undefined {
  return [...evidence].sort((a, b) => b.coverage - a.coverage || a.hitRank - b.hitRank)[0];
}

/** For developers (scripts/explain-question.ts): the frame and each part's best candidates with their checks. */
function traceFrame(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext, trace: (line: string) => void): void {
  trace(`intent=${frame.intent} period=${frame.period?.zh ?? "-"} condition=${JSON.stringify(frame.condition ?? null)} subjects=${JSON.stringify(frame.subjects)}`);
  trace(`terms=${frame.terms.map((group) => `${group.label}→${group.alternatives.join("/")}`).join(" | ")}`);
  const parts = frame.condition ? [...frame.parts, { text: "(yes/no condition)", asked: conditionAsked(frame), terms: frame.terms }] : frame.parts;
  for (const part of parts) {
    trace(`part "${part.text}" asks ${part.asked.join(",")} terms ${part.terms.map((group) => group.label).join(",")}`);
    for (const claim of rankFigures(frame, part, evidence, context).slice(0, 5)) {
      trace(`  ${claim.score.toFixed(2)} ${claim.quantity.raw} [${checkFigure(claim, frame)}] local=${claim.local.toFixed(2)} subj=${claim.subject} period=${claim.period} cov=${claim.sentence.coverage.toFixed(2)} «${claim.quantity.before}|${claim.quantity.raw}|${claim.quantity.after}»`);
    }
  }
}
