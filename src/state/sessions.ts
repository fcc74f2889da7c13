/** Signed-out admin console sessions. */
export interface SessionRevocations {
  /**
   * Marks an admin console session signed out until it would have expired, for every process
   * sharing this store (WORKERS > 1, replicas): a copied cookie stops working everywhere.
   * `sessionId` is a digest of the cookie value, never the value itself.
   */
  revokeSession(sessionId: string, expiresAt: number): Promise<void>;
  /** Whether the session was signed out (rows past their expiry are ignored and pruned). */
  sessionRevoked(sessionId: string): Promise<boolean>;
}
