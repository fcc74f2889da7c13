import Database from "better-sqlite3";
const db = new Database(process.argv[2]!);
const t = performance.now();
db.exec(`DROP INDEX IF EXISTS facts_place_level; DROP INDEX IF EXISTS facts_place_metric; DROP INDEX IF EXISTS facts_zone_metric;
CREATE INDEX facts_place_metric ON facts(place, metric, level, parts, id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start);
CREATE INDEX facts_zone_metric ON facts(zone, metric, level, parts, id);
CREATE INDEX facts_place_level ON facts(place, level, zone, id); ANALYZE;`);
console.log("indexes", (performance.now() - t).toFixed(0), "ms");
