import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/**
 * DATA_DIR/snapshot-history.jsonl: one line per change of current.json (activation, rollback,
 * start-up fallback), with who and when. It lives next to current.json, so every process that
 * shares DATA_DIR (CLI, server workers, replicas on a shared volume) reads and appends the same log.
 * Start-up fallback and rollback read it to find the last snapshot that really was live: a
 * snapshot that never went live (a build killed during the quality gate) never appears here.
 */

export const SNAPSHOT_LOG_FILE = "snapshot-history.jsonl";

const snapshotEventSchema = z.object({
  at: z.string(),
  /** activate: a build went live; rollback: an admin went back; fallback: start-up replaced an unusable live snapshot. */
  action: z.enum(["activate", "rollback", "fallback"]),
  version: z.string(),
  /** What current.json named before. */
  from: z.string().optional(),
  actor: z.string(),
  reason: z.string().optional(),
});

export type SnapshotEvent = z.infer<typeof snapshotEventSchema>;

function snapshotLogPath(dataDir: string): string {
  return path.join(dataDir, SNAPSHOT_LOG_FILE);
}

/** One short append (O_APPEND): concurrent writers on one machine do not interleave lines. */
export async function appendSnapshotEvent(dataDir: string, event: SnapshotEvent): Promise<void> {
  await appendFile(snapshotLogPath(dataDir), `${JSON.stringify(snapshotEventSchema.parse(event))}\n`, "utf8");
}

/** Oldest first. Lines that do not parse (a torn last line after a power loss) are skipped. */
export async function readSnapshotEvents(dataDir: string): Promise<SnapshotEvent[]> {
  let text: string;
  try {
    text = await readFile(snapshotLogPath(dataDir), "utf8");
  } catch {
    return [];
  }
  const events: SnapshotEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const parsed = snapshotEventSchema.safeParse(JSON.parse(line));
      if (parsed.success) events.push(parsed.data);
    } catch {
      // skipped: see above
    }
  }
  return events;
}

/**
 * Snapshots that were live, most recently live first, leaving out `current` and every snapshot
 * that was rolled back (or fallen back) away from after it last went live. These are the only
 * safe targets for a rollback or a start-up fallback.
 */
export function previousLiveVersions(events: SnapshotEvent[], current: string | undefined): string[] {
  const lastLive = new Map<string, number>();
  const leftAt = new Map<string, number>();
  events.forEach((event, position) => {
    lastLive.set(event.version, position);
    if ((event.action === "rollback" || event.action === "fallback") && event.from) leftAt.set(event.from, position);
  });
  return [...lastLive.entries()]
    .filter(([version, position]) => version !== current && (leftAt.get(version) ?? -1) < position)
    .sort((a, b) => b[1] - a[1])
    .map(([version]) => version);
}
