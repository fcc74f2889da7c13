/**
 * One coded error family. Each code names a failure a user or admin can act on, and every
 * message says what to do. Adapters catch AppError in one place and never show raw error
 * text to chat users (they use `publicMessage`).
 */

const errorCodes = {
  CONFIG_INVALID: 500,
  CORPUS_DIR_MISSING: 500,
  CORPUS_EMPTY: 500,
  CORPUS_FILE_UNREADABLE: 500,
  /** A corpus file larger than DOCUMENT_MAX_BYTES: skipped, named in the job and the CLI output. */
  DOCUMENT_TOO_LARGE: 413,
  /** A hostile-looking file (zip bomb, endless nesting): refused before it is parsed. */
  DOCUMENT_UNSAFE: 422,
  /** Parsing a file passed the worker's time or memory limit (DOCUMENT_PARSE_TIMEOUT_MS, DOCUMENT_PARSE_MEMORY_MB). */
  DOCUMENT_PARSE_LIMIT: 422,
  INDEX_MISSING: 503,
  INDEX_CORRUPT: 503,
  INDEX_DIMENSION_MISMATCH: 503,
  INDEX_EMBEDDER_MISMATCH: 503,
  INDEX_WRITE_FAILED: 500,
  INDEX_BUILD_IN_PROGRESS: 409,
  /** An admin cancelled the running re-index; the live snapshot keeps serving. */
  REINDEX_CANCELLED: 409,
  /** A cancel asked for while no re-index runs on this server. */
  REINDEX_NOT_RUNNING: 409,
  EMBEDDER_FAILED: 502,
  LLM_FAILED: 502,
  QUESTION_EMPTY: 400,
  QUESTION_TOO_LONG: 400,
  REQUEST_INVALID: 400,
  REQUEST_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPLOAD_INVALID: 400,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  EVAL_FILE_INVALID: 400,
  QUALITY_GATE_FAILED: 409,
  SNAPSHOT_MISSING: 404,
  STATE_STORE_FAILED: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** The hint of every INDEX_CORRUPT error about a snapshot file. */
export const REBUILD_INDEX_HINT = "Rebuild the index with `npm run index`.";

export interface AppErrorOptions {
  /** What the user or admin should do next. */
  hint?: string;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = errorCodes[code];
    this.hint = options.hint;
    this.details = options.details;
  }

  /** Message plus hint, for CLI output and admin-facing JSON. */
  get fullMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }

  toJSON(): { error: { code: ErrorCode; message: string; hint?: string } } {
    return { error: { code: this.code, message: this.message, hint: this.hint } };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
