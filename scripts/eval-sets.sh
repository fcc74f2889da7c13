#!/usr/bin/env bash
# Runs every question set over its own corpus and prints one line per set: correct / abstained / wrong.
# usage: bash scripts/eval-sets.sh [OUT_DIR]   (raw answers land in OUT_DIR, default /tmp/zone-eval)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/zone-eval}"
mkdir -p "$out"
run() { # name file [corpus flags...]
  local name="$1" file="$2"; shift 2
  npx tsx src/adapters/cli/eval-command.ts "$file" --json "$out/$name.json" "$@" > "$out/$name.txt" 2>/dev/null || true
  printf '%-22s %s\n' "$name" "$(grep -E '^Verdicts:' "$out/$name.txt" || tail -1 "$out/$name.txt")"
}
run dev tests/eval/dev.jsonl
run heldout tests/eval/heldout.jsonl
run quality tests/eval/quality.jsonl
run quality-holdout tests/eval/quality-holdout.jsonl
run probe-english tests/eval/probe-english.jsonl
run probe-kinds tests/eval/probe-kinds.jsonl
run policy tests/eval/policy.jsonl --corpus tests/fixtures/policies
run policy-holdout tests/eval/policy-holdout.jsonl --corpus tests/fixtures/policies
run news-dev tests/eval/news-dev.jsonl --corpus tests/fixtures/news-dev --alone
run policy-dev tests/eval/policy-dev.jsonl --corpus tests/fixtures/policy-dev --alone
run paraphrase-news tests/eval/paraphrase-news.jsonl --corpus tests/fixtures/news-dev --alone
run news-dev2 tests/eval/news-dev2.jsonl --corpus tests/fixtures/news-dev2 --alone
run news-holdout tests/eval/news-holdout.jsonl --corpus tests/fixtures/news-holdout --alone
run policy-holdout-real tests/eval/policy-holdout-real.jsonl --corpus tests/fixtures/policy-holdout --alone
run news-holdout2 tests/eval/news-holdout2.jsonl --corpus tests/fixtures/news-holdout2 --alone
run policy-holdout2 tests/eval/policy-holdout2.jsonl --corpus tests/fixtures/policy-holdout2 --alone
run news-holdout3 tests/eval/news-holdout3.jsonl --corpus tests/fixtures/news-holdout3 --alone
run policy-holdout3 tests/eval/policy-holdout3.jsonl --corpus tests/fixtures/policy-holdout3 --alone
run news-holdout4 tests/eval/news-holdout4.jsonl --corpus tests/fixtures/news-holdout4 --alone
run policy-holdout4 tests/eval/policy-holdout4.jsonl --corpus tests/fixtures/policy-holdout4 --alone
run news-holdout5 tests/eval/news-holdout5.jsonl --corpus tests/fixtures/news-holdout5 --alone
run policy-holdout5 tests/eval/policy-holdout5.jsonl --corpus tests/fixtures/policy-holdout5 --alone
run news-holdout6 tests/eval/news-holdout6.jsonl --corpus tests/fixtures/news-holdout6 --alone
run policy-holdout6 tests/eval/policy-holdout6.jsonl --corpus tests/fixtures/policy-holdout6 --alone
node scripts/paraphrase-agreement.mjs tests/eval/paraphrase-news.jsonl "$out/paraphrase-news.json"
