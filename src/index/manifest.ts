import { z } from "zod";

/** Bumped when the snapshot layout changes; older snapshots are then refused and rebuilt. */
export const MANIFEST_FORMAT_VERSION = 1;

const fileStatusSchema = z.enum(["indexed", "skipped", "failed"]);

const manifestFileSchema = z.object({
  /** Corpus-relative path. */
  file: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  status: fileStatusSchema,
  /** Why a file was skipped or failed. */
  reason: z.string().optional(),
  articles: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  /** Instruction-like sentences flagged at index time (never quoted). */
  instructions: z.array(z.object({ text: z.string(), start: z.number().int().nonnegative() })).optional(),
});

export const manifestSchema = z.object({
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  /** Build id, also the snapshot directory name. */
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  builtAt: z.string(),
  embedder: z.object({
    id: z.string(),
    provider: z.enum(["local", "openai", "ollama"]),
    model: z.string().optional(),
    dimensions: z.number().int().positive(),
  }),
  tokenizer: z.object({ id: z.string() }),
  chunkCount: z.number().int().nonnegative(),
  /** Facts in facts.sqlite, checked against the file at load (absent: built before facts.sqlite, or without facts). */
  factCount: z.number().int().nonnegative().optional(),
  articleCount: z.number().int().nonnegative(),
  /** Vectors per HNSW shard (vectors.hnsw, vectors.1.hnsw, …) when the graph is split; absent: one graph. */
  vectorShards: z.array(z.number().int().nonnegative()).min(2).optional(),
  files: z.array(manifestFileSchema),
  buildMs: z.number().nonnegative(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
