#!/usr/bin/env bash
# The quickstart chain, shrunk to seconds: every stage runs (generate, train, rollout, baselines,
# evaluate, export, plot), the report has the surrogate and both LES against the truth with
# plots, every .pvd opens with VTK's own readers (as ParaView opens it), and a second run skips
# every stage.
# Usage: quickstart_test.sh EDDYOP_BINARY SOURCE_DIR
set -uo pipefail
eddyop=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
small=(--set channel.nx=16 channel.ny=17 channel.nz=8 channel.out_nx=8 channel.out_ny=9
  channel.out_nz=4 channel.spinup_time=1 channel.samples=5 channel.stats_start=0.5
  train.epochs=2 runtime.threads=1 model.ifactformer.iterations=1)
fail() {
  echo "FAILED: $1"
  exit 1
}

out=$("$eddyop" run "$src/cases/quickstart.yaml" --out "$work/qs" "${small[@]}" 2>&1) ||
  fail "the quickstart chain: $out"
for s in generate train rollout baselines evaluate export plot; do
  grep -q "stage $s: done" <<<"$out" || fail "stage $s did not run: $out"
done
r="$work/qs/eval/report.md"
[[ -f "$r" && -f "$work/qs/eval/report.html" ]] || fail "no report in $work/qs/eval"
for label in IFactFormer-m "LES dynamic Smagorinsky" "LES WALE" "filtered coarse DNS"; do
  grep -q "$label" "$r" || fail "the report does not name $label"
done
for p in u_plus rms reynolds_stress errors spectra_x; do
  [[ -s "$work/qs/eval/plots/$p.png" ]] || fail "no plot $p.png"
done
n=0
for pvd in "$work"/qs/export/*/*.pvd; do
  "$py" "$src/tests/apps/read_pvd.py" "$pvd" Q >/dev/null || fail "$("$py" "$src/tests/apps/read_pvd.py" "$pvd" Q)"
  n=$((n + 1))
done
[[ $n -eq 4 ]] || fail "expected 4 .pvd series (truth, surrogate, 2 LES), found $n"

out=$("$eddyop" run "$src/cases/quickstart.yaml" --out "$work/qs" "${small[@]}" 2>&1) ||
  fail "the second run: $out"
grep -q "skipped as unchanged: generate, train, rollout, baselines, evaluate, export, plot" <<<"$out" ||
  fail "the second run did not skip every stage: $out"
echo "quickstart: chain, report, plots, $n .pvd series read with VTK, second run skipped"
