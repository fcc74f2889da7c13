import Database from "better-sqlite3";
import { readFileSync } from "node:fs";
const dir = process.argv[2]!;
const version = JSON.parse(readFileSync(`${dir}/data/current.json`, "utf8")).version;
const db = new Database(`${dir}/data/snapshots/${version}/facts.sqlite`, { readonly: true });
const metric = (db.prepare("SELECT metric, COUNT(*) n FROM facts GROUP BY metric ORDER BY n DESC LIMIT 3").all() as any[]);
console.log(metric);
const qs: [string, unknown[]][] = [
  ["SELECT zone, place, level, COUNT(*) AS facts, MIN(id) AS first FROM facts WHERE place IN (?) AND level = ? GROUP BY zone ORDER BY facts DESC, first ASC", ["长治", "zone"]],
  ["SELECT id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start FROM facts WHERE zone IN (?) AND place IN (?) AND metric IN (?) AND level = ? ORDER BY id", ["衡阳高新区", "衡阳", metric[1].metric, "zone"]],
  ["SELECT id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start FROM facts WHERE place IN (?) AND metric IN (?) AND level = ? ORDER BY id", ["衡阳", metric[1].metric, "zone"]],
  ["SELECT id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start FROM facts WHERE place IN (?) AND metric IN (?) ORDER BY id", ["衡阳", metric[1].metric]],
  ["SELECT COUNT(*) AS n FROM facts WHERE place IN (?)", ["长治"]],
  ["SELECT COUNT(*) AS n FROM facts WHERE zone IN (?)", ["长治高新区"]],
];
for (const [sql, params] of qs) {
  console.log(sql.slice(0, 100));
  console.log("  ", (db.prepare("EXPLAIN QUERY PLAN " + sql).all(...params) as any[]).map((r) => r.detail).join(" | "));
  const st = db.prepare(sql); st.all(...params);
  const t = performance.now(); let n = 0; for (let i = 0; i < 5; i++) n = st.all(...params).length; console.log("   rows", n, ((performance.now() - t) / 5).toFixed(2), "ms");
}
