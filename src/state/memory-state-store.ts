import type { Turn } from "../core/types.js";
import { createRateLimiter, type RateDecision, type RateRule } from "../chat/rate-limit.js";
import type { AuditEntry, AuditFilter } from "./audit.js";
import type { ChatPlatform } from "./common.js";
import { boundTurns, type ConversationLimits } from "./conversations.js";
import { DELIVERY_TTL_MS } from "./deliveries.js";
import { fileLockOnly, type StoredJob } from "./jobs.js";
import type { FeedbackRecord, QuestionFilter, QuestionRecord } from "./question-log.js";
import type { PruneCounts, RetentionCutoffs, StateStore } from "./state-store.js";

/** In-process store for tests, one-shot CLI questions and the quality gate. */
export class MemoryStateStore implements StateStore {
  readonly kind = "memory";
  private readonly conversations = new Map<string, Turn[]>();
  private readonly feedback: FeedbackRecord[] = [];
  private readonly deliveries = new Map<string, number>();
  private auditLog: Array<AuditEntry & { key?: string }> = [];
  private questions: QuestionRecord[] = [];
  private readonly jobs = new Map<string, StoredJob>();
  private readonly revokedSessions = new Map<string, number>();
  private readonly limiter;

  constructor(private readonly now: () => number = Date.now) {
    this.limiter = createRateLimiter({ perMinute: 1, now });
  }

  async getTurns(conversationId: string): Promise<Turn[]> {
    return (this.conversations.get(conversationId) ?? []).map((turn) => ({ ...turn, places: [...turn.places] }));
  }

  async appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): Promise<void> {
    const turns = [...(this.conversations.get(conversationId) ?? []), { ...turn, places: [...turn.places] }];
    // Re-inserted so the map stays ordered by last activity.
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, boundTurns(turns, limits));
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    this.feedback.push({ ...feedback });
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    return this.feedback.slice(-limit).reverse();
  }

  async revokeSession(sessionId: string, expiresAt: number): Promise<void> {
    const now = this.now();
    for (const [id, expires] of this.revokedSessions) if (expires <= now) this.revokedSessions.delete(id);
    this.revokedSessions.set(sessionId, expiresAt);
  }

  async sessionRevoked(sessionId: string): Promise<boolean> {
    const expires = this.revokedSessions.get(sessionId);
    return expires !== undefined && expires > this.now();
  }

  async claimDelivery(platform: ChatPlatform, messageId: string): Promise<boolean> {
    const key = `${platform}\u0000${messageId}`;
    const now = this.now();
    const seen = this.deliveries.get(key);
    if (seen !== undefined && now - seen < DELIVERY_TTL_MS) return false;
    this.deliveries.set(key, now);
    if (this.deliveries.size > 10_000) this.pruneDeliveries(now);
    return true;
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.auditLog.push({ ...entry });
  }

  async auditAggregate(key: string, entry: AuditEntry): Promise<void> {
    const index = this.auditLog.findIndex((row) => row.key === key);
    const previous = index === -1 ? undefined : this.auditLog.splice(index, 1)[0];
    this.auditLog.push({ ...entry, key, count: (previous?.count ?? 0) + 1 });
  }

  async listAudit(limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const search = filter.search?.toLowerCase();
    const offset = filter.offset ?? 0;
    return [...this.auditLog]
      .reverse()
      .filter((entry) => !search || `${entry.actor}\u0000${entry.action}\u0000${entry.detail}`.toLowerCase().includes(search))
      .slice(offset, offset + limit)
      .map(({ key: _key, count, ...entry }) => (count !== undefined && count > 1 ? { ...entry, count } : entry));
  }

  async takeRate(key: string, rule: RateRule): Promise<RateDecision> {
    return this.limiter.decide(key, rule);
  }

  async logQuestion(record: QuestionRecord): Promise<void> {
    // Whole milliseconds, as the database stores keep them.
    this.questions.push({ ...record, latencyMs: Math.round(record.latencyMs) });
    // Memory is not a log archive: keep the newest entries only.
    if (this.questions.length > 10_000) this.questions.splice(0, this.questions.length - 10_000);
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    const found = this.questions.find((record) => record.id === id);
    return found && { ...found };
  }

  async listQuestions(filter: QuestionFilter): Promise<QuestionRecord[]> {
    const search = filter.search?.toLowerCase();
    const offset = filter.offset ?? 0;
    return [...this.questions]
      .reverse()
      .filter(
        (record) =>
          (filter.refused === undefined || record.refused === filter.refused) &&
          (filter.feedback === undefined || record.feedback === filter.feedback) &&
          (filter.from === undefined || record.at >= filter.from) &&
          (filter.to === undefined || record.at <= filter.to) &&
          (!search || `${record.question}\u0000${record.answer}\u0000${record.feedbackComment ?? ""}`.toLowerCase().includes(search)),
      )
      .slice(offset, offset + filter.limit)
      .map((record) => ({ ...record }));
  }

  async setQuestionFeedback(id: string, value: "up" | "down", comment?: string): Promise<boolean> {
    const found = this.questions.find((record) => record.id === id);
    if (found) {
      found.feedback = value;
      if (comment) found.feedbackComment = comment;
      else delete found.feedbackComment;
    }
    return found !== undefined;
  }

  async saveJob(job: StoredJob): Promise<void> {
    this.jobs.delete(job.id);
    this.jobs.set(job.id, structuredClone(job));
  }

  async latestJob(): Promise<StoredJob | undefined> {
    const last = [...this.jobs.values()].at(-1);
    return last && structuredClone(last);
  }

  readonly tryBuildLock = fileLockOnly.tryBuildLock;
  readonly buildLockHeld = fileLockOnly.buildLockHeld;

  async prune(cutoffs: RetentionCutoffs): Promise<PruneCounts> {
    const counts: PruneCounts = { conversations: 0, questions: 0, audit: 0 };
    if (cutoffs.conversationsBefore !== undefined) {
      for (const [id, turns] of this.conversations) {
        if ((turns.at(-1)?.at ?? 0) < cutoffs.conversationsBefore) {
          this.conversations.delete(id);
          counts.conversations++;
        }
      }
    }
    if (cutoffs.questionsBefore !== undefined) {
      const before = this.questions.length;
      this.questions = this.questions.filter((entry) => entry.at >= cutoffs.questionsBefore!);
      counts.questions = before - this.questions.length;
    }
    if (cutoffs.auditBefore !== undefined) {
      const before = this.auditLog.length;
      this.auditLog = this.auditLog.filter((entry) => entry.at >= cutoffs.auditBefore!);
      counts.audit = before - this.auditLog.length;
    }
    return counts;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  private pruneDeliveries(now: number): void {
    for (const [key, at] of this.deliveries) if (now - at >= DELIVERY_TTL_MS) this.deliveries.delete(key);
  }
}
