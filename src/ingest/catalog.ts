import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { CatalogEntry } from "../core/types.js";
import { AppError } from "../core/errors.js";

/** corpus/catalog.json: metadata an admin knows about a file and the text does not say. */

const isoDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, "use YYYY, YYYY-MM or YYYY-MM-DD");

const entrySchema = z
  .object({
    date: isoDate.optional(),
    dateEstimated: z.boolean().optional(),
    publisher: z.string().min(1).optional(),
    title: z.string().min(1).optional(),
    zones: z.array(z.string().min(1)).optional(),
    effective: isoDate.optional(),
    expires: isoDate.optional(),
    supersedes: z.array(z.string().min(1)).optional(),
  })
  .strict();

const catalogSchema = z.object({ files: z.record(z.string(), entrySchema) }).strict();

export type Catalog = Record<string, CatalogEntry>;

export const catalogFileName = "catalog.json";

/** Parses catalog JSON text; `file` names the file in the error an admin sees. */
export function parseCatalog(text: string, file: string): Catalog {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new AppError("CONFIG_INVALID", `The corpus catalog ${file} is not valid JSON.`, {
      hint: `Fix the JSON syntax in ${file} (${(error as Error).message}).`,
      cause: error,
    });
  }
  const result = catalogSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new AppError("CONFIG_INVALID", `The corpus catalog ${file} is invalid: ${problems}.`, {
      hint: `Fix ${file}: it must look like { "files": { "name.txt": { "date": "2023-07", "publisher": "…" } } }.`,
    });
  }
  return result.data.files;
}

/** Reads `<corpusDir>/catalog.json`; a missing catalog is an empty one. */
export async function loadCatalog(corpusDir: string): Promise<Catalog> {
  const file = path.join(corpusDir, catalogFileName);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new AppError("CONFIG_INVALID", `The corpus catalog ${file} cannot be read.`, { cause: error, hint: "Check its permissions." });
  }
  return parseCatalog(text, file);
}

/** Catalog entry of a corpus file, looked up by its path relative to the corpus dir or its name. */
export function catalogEntry(catalog: Catalog, relativePath: string): CatalogEntry | undefined {
  return catalog[relativePath] ?? catalog[path.posix.basename(relativePath)];
}
