/** The admin audit log: who did what, when. */

export interface AuditEntry {
  /** Who did it, e.g. `slack:U123` or `admin-api`. */
  actor: string;
  /** What, e.g. `reindex`, `reindex.refused`. */
  action: string;
  detail: string;
  /** Epoch milliseconds. */
  at: number;
  /** How many events an aggregated row stands for (e.g. failed sign-ins from one address in one window). */
  count?: number;
}

export interface AuditFilter {
  offset?: number;
  /** Words the actor, action or detail contains (case-insensitive). */
  search?: string;
}

export interface AuditLog {
  audit(entry: AuditEntry): Promise<void>;
  /**
   * Adds one event to the audit row named `key` (created with `entry` the first time; later
   * events raise its count and update its detail and time), so a flood is one row, not thousands.
   */
  auditAggregate(key: string, entry: AuditEntry): Promise<void>;
  /** Audit entries, newest first. */
  listAudit(limit: number, filter?: AuditFilter): Promise<AuditEntry[]>;
}
