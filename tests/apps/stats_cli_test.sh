#!/usr/bin/env bash
# `eddyop stats` on the statistics.h5 of a tiny real channel run, as a user runs it: the table on
# stdout, stats-comparison.md and the three plots; MKM's column when the reference is there (else
# skipped with a message); a file that is not solver statistics refused naming it.
# Usage: stats_cli_test.sh EDDYOP_BINARY SOURCE_DIR
set -uo pipefail
eddyop=$1
src=$2
source "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"

# a tiny channel run that samples its statistics from the first step
printf 'case:\n  name: demo\n' >"$work/ok.yaml"
run generate -c "$work/ok.yaml" --out "$work/tiny" --set generate.solver=channel \
  --set channel.nx=16 --set channel.ny=17 --set channel.nz=8 --set channel.out_nx=8 \
  --set channel.out_ny=9 --set channel.out_nz=4 --set channel.samples=2 \
  --set channel.sample_interval=0.02 --set channel.spinup_time=0 --set channel.stats_start=0 \
  --set channel.stats_interval=1 -q
d="$work/tiny/data"
[[ $rc -eq 0 && -f "$d/statistics.h5" ]]
check "a tiny channel run writes statistics.h5" $? "rc=$rc $out $(ls "$d" 2>&1)"

# no reference: the table without MKM, a clear note, the markdown and the plots
run stats "$d/statistics.h5" --out "$work/st" --reference "$work/nowhere"
[[ $rc -eq 0 ]] && grep -q "^| quantity | tiny |" <<<"$out" && grep -q "No MKM reference" <<<"$out" &&
  ! grep -q "MKM 1999 |" <<<"$out" && grep -q "^| U_b+ | " "$work/st/stats-comparison.md" &&
  [[ -s "$work/st/stats-comparison.h5" && -s "$work/st/profiles-Uplus.png" &&
    -s "$work/st/profiles-rms.png" && -s "$work/st/profiles-uv.png" ]]
check "stats without a reference: table, note, markdown, three plots" $? "rc=$rc $out $(ls "$work/st" 2>&1)"

# with the reference (found as evaluate finds it): MKM's column and the targets
ref=${EDDYOP_REFERENCE_DIR:-$src/../shared/reference}
if [[ -d "$ref/mkm1999/chan180" ]]; then
  run stats "$d/statistics.h5" "$d/statistics.h5" --labels one,two --out "$work/mkm" \
    --reference "$ref"
  [[ $rc -eq 0 ]] && grep -q "^| quantity | MKM 1999 | one | two |" "$work/mkm/stats-comparison.md" &&
    grep -q "^| U_b+ vs MKM (target 3 %) | — |" "$work/mkm/stats-comparison.md" &&
    grep -q "^| u_rms+ peak vs MKM (target 10 %) | — |" "$work/mkm/stats-comparison.md" &&
    [[ -s "$work/mkm/profiles-uv.png" ]]
  check "stats with the MKM reference: its column and the targets" $? "rc=$rc $out"
else
  echo "skipped: the MKM comparison (no mkm1999/chan180 under $ref; set EDDYOP_REFERENCE_DIR)"
fi

# bad input: exit 2, the file named, nothing written
run stats "$d/dataset.h5" --out "$work/bad"
[[ $rc -eq 2 && ! -e "$work/bad" ]] && grep -q "'$d/dataset.h5' is a 'dataset' file" <<<"$out"
check "a dataset is refused naming the file" $? "rc=$rc $out"
run stats "$d/statistics.h5" --labels a,b --out "$work/bad"
[[ $rc -eq 2 && ! -e "$work/bad" ]] && grep -q "2 labels for 1 files" <<<"$out"
check "a label count that does not match is refused" $? "rc=$rc $out"

echo "stats cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
