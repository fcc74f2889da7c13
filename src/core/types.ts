/**
 * Shared data shapes of the one flow: ingest → index → retrieve → answer → adapters.
 * Everything inside the core trusts these types; zod validates only at the edges.
 */

export type Language = "zh" | "en";

/** Metadata an admin can give a corpus file in corpus/catalog.json. */
export interface CatalogEntry {
  /** Publication date of the report, ISO `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`). */
  date?: string;
  /** True when `date` was inferred from the text (e.g. "今年上半年" next to a 7月11日 signing), not printed. */
  dateEstimated?: boolean;
  publisher?: string;
  title?: string;
  /** Zones the whole file is about, when the text alone does not say. */
  zones?: string[];
  /** For policy texts: the date it takes effect, the last day it applies, documents it replaces. */
  effective?: string;
  expires?: string;
  supersedes?: string[];
}

/** One clause of a policy item: who qualifies, how much, the cap, the schedule (see ingest/policy-rules.ts). */
export interface RuleClause {
  text: string;
  /** Offsets [start, end) into the chunk text. */
  start: number;
  end: number;
  condition?: string;
  amounts: string[];
  rates: string[];
  cap?: string;
  uncapped?: boolean;
  schedule?: string;
  period?: string;
}

/** The rule record of a policy item, extracted at index time. */
export interface PolicyRule {
  /** reward, subsidy, refund, loan discount, land, rent, talent, listing, tax, financing */
  measure: string[];
  /** The item's own title ("鼓励企业挂牌上市"), when it has one. */
  title?: string;
  clauses: RuleClause[];
}

/** When a policy document applies (see ingest/validity.ts); kept on every chunk of the document. */
export interface Validity {
  /** ISO date (or YYYY-MM, YYYY) the policy takes effect. */
  effective?: string;
  /** True when the text says it applies from its issue date (自印发之日起施行). */
  effectiveFromIssue?: boolean;
  /** ISO date of the last day it applies. */
  expires?: string;
  /** The term as written (有效期三年) and in years. */
  term?: string;
  termYears?: number;
  /** Titles of documents this one replaces (…同时废止). */
  supersedes?: string[];
  /** Titles of indexed documents that replace this one. */
  supersededBy?: string[];
  /** The sentences stating it, as cleaned text (the chunk holding one can be cited for it). */
  statements?: string[];
}

/** One article found inside a corpus file (a newspaper page often holds several). */
export interface Article {
  /** `${source}#${index}` */
  id: string;
  /** Corpus-relative path, e.g. `corpus/002_93385d198ddbd426.txt`. */
  source: string;
  /** 0-based position of the article inside its file. */
  index: number;
  title: string;
  byline?: string;
  /** Report date (ISO) used to resolve relative dates such as 今年上半年. */
  date?: string;
  publisher?: string;
  /** Canonical Chinese zone names, most prominent first (e.g. 长治高新区, 长治). */
  zones: string[];
  /** Cleaned body text. */
  text: string;
  /** For every character of `text`, its offset in the original file text. */
  offsets: number[];
}

/** The unit that is indexed, retrieved and cited. Never spans two articles. */
export interface Chunk {
  /** Stable id: `${source}#${articleIndex}:${ordinal}` */
  id: string;
  source: string;
  articleId: string;
  articleIndex: number;
  /** Position of the chunk inside its article. */
  ordinal: number;
  title: string;
  zones: string[];
  date?: string;
  publisher?: string;
  /** Cleaned text of the chunk (whole sentences). */
  text: string;
  /** In a numbered policy text, the headings above the chunk's item ("二、支持范围 › （一）… › 1."). */
  section?: string;
  /** The document's validity (policy texts), the same on every chunk of the document. */
  validity?: Validity;
  /** The rule record of a policy item (chunks with a section). */
  rule?: PolicyRule;
  /**
   * Text that is indexed: `text` with relative dates resolved against the report date
   * (今年上半年 → 今年上半年〔2023年上半年〕) and the article title prepended, so that
   * questions naming the absolute period or the zone still match.
   */
  indexText: string;
  /** Character offsets [start, end) into the original file text. */
  start: number;
  end: number;
}

export interface Citation {
  n: number;
  source: string;
  title: string;
  zone: string;
  date?: string;
  /** The sentences quoted from the chunk (cleaned text). */
  quote: string;
  chunkId: string;
  start: number;
  end: number;
}

type AnswerMode = "extractive" | "llm";

export interface Answer {
  answer: string;
  refused: boolean;
  mode: AnswerMode;
  language: Language;
  citations: Citation[];
  /** Things the user or admin should know: dropped sentences, LLM fallbacks. */
  warnings: string[];
  /** The first paragraph states no claim (the evidence neither confirms nor refutes; a quote only). */
  abstained?: boolean;
  conversationId?: string;
  /** The standalone question actually answered (after follow-up rewriting). */
  standaloneQuestion?: string;
}

export interface SearchHit {
  chunk: Chunk;
  /** Fused score, higher is better. */
  score: number;
  bm25Rank?: number;
  vectorRank?: number;
}

export interface AskOptions {
  conversationId?: string;
  /** Where the question came from (`api`, `web`, `slack` …), for the question log; else the conversation id's prefix. */
  platform?: string;
  signal?: AbortSignal;
  /** Receives partial answer text while an LLM streams; the final Answer replaces it. */
  onToken?: (token: string) => void;
}

/** A cited article for the web source viewer, with the quoted sentences' ranges in `text`. */
export interface SourceView {
  chunkId: string;
  source: string;
  title: string;
  zones: string[];
  date?: string;
  /** The catalog marks the date as inferred, not printed. */
  dateEstimated: boolean;
  publisher?: string;
  /** The article's cleaned text (what citations quote). */
  text: string;
  /** [start, end) offsets into `text` (UTF-16 code units) of the quoted sentences. */
  highlights: Array<{ start: number; end: number }>;
}

/** What adapters call. Adapters never reach further into the core than this. */
export interface AnswerService {
  ask(question: string, options?: AskOptions): Promise<Answer>;
  status(): ServiceStatus;
  /** The live snapshot's figures as facts (GET /api/facts); optional for services without an index. */
  facts?(filter: { zone?: string; metric?: string; limit?: number }): {
    total: number;
    facts: import("../facts/types.js").Fact[];
    /** Rule records of policy items (issue 10): listed unless a figure metric is asked for. */
    rules?: import("../ingest/policy-rules.js").RuleListing[];
  };
  /** The article a citation points into (web source viewer). */
  source?(chunkId: string, quote: string): Promise<SourceView>;
  /** The original corpus file a citation comes from (open or download it). */
  original?(chunkId: string): Promise<{ path: string; name: string }>;
  /** Example questions about what the live snapshot covers, in Chinese and English. */
  suggestions?(count: number): Promise<{ zh: string[]; en: string[] }>;
}

export interface ServiceStatus {
  indexVersion: string;
  chunks: number;
  articles: number;
  files: number;
  embedder: string;
  llm: string;
  builtAt: string;
}

/** One finished exchange in a conversation, kept for follow-up questions. */
export interface Turn {
  question: string;
  /** The standalone form of the question (after follow-up rewriting). */
  standaloneQuestion: string;
  answer: string;
  /** Places (e.g. 长治) the turn was about, for carrying the zone into follow-ups. */
  places: string[];
  at: number;
}

/** Everything an answer composer (extractive or LLM) needs for one question. */
export interface AnswerInput {
  /** What the user typed. */
  question: string;
  /** The question made standalone using the conversation (equals `question` for a first turn). */
  standaloneQuestion: string;
  language: Language;
  /** Places named in (or carried into) the question, canonical Chinese (e.g. 长治). */
  places: string[];
  /** Chinese search terms derived from the question (glossary translations for English questions). */
  terms: string[];
  /** The same terms grouped: a passage covers a group when it holds any of its alternatives. */
  termGroups: string[][];
  /** Weight of each group where it differs from the default (dictionary guesses weigh less). */
  termWeights?: (number | undefined)[];
  /** True when the question asks for a figure (多少, how many, rate …). */
  asksFigure: boolean;
  /** True when the question asks for a list (measures, policies, services a zone offers). */
  asksList?: boolean;
  /** The glossary's entries, to say a list's Chinese items in English. */
  glossary?: import("../retrieve/glossary.js").GlossaryEntry[];
  /** English display names of `places` (e.g. Changzhi), for English answers. */
  placeNames: Record<string, string>;
  /** Retrieved passages, best first. */
  hits: SearchHit[];
  history: Turn[];
  /** Figures of the passages (and the one the question asks for) as facts: who, when, what. */
  facts?: import("../facts/types.js").Fact[];
  /** Chinese and English labels of the metric keys in `facts`. */
  metricLabels?: Record<string, { zh: string; en: string }>;
}

export interface ComposeOptions {
  signal?: AbortSignal;
  onToken?: (token: string) => void;
}

/** Extractive or LLM: turns retrieved passages into a cited Answer. */
export type Answerer = (input: AnswerInput, options?: ComposeOptions) => Promise<Answer>;

/** Rewrites a follow-up into a standalone question (rules, or a model when one is configured). */
export type QuestionRewriter = (question: string, history: Turn[], options?: { signal?: AbortSignal }) => Promise<string>;
