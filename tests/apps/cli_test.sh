#!/usr/bin/env bash
# Behaviour of the eddyop command line, run as a user would run it.
# Usage: cli_test.sh EDDYOP_BINARY SOURCE_DIR
set -uo pipefail
eddyop=$1
src=$2
source "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"

# info names every component it runs on
run info
ok=0
for c in eddyop PETSc Kokkos KokkosKernels HDF5 VTK FFTW BLAS MPI; do
  grep -q "^$c " <<<"$out" || ok=1
done
grep -q "parallel (MPI-IO)" <<<"$out" || ok=1
check "info prints every version" $((rc != 0 || ok)) "$out"

# a misspelled key: exit 2, the key, the file and line, the accepted keys, a guess
printf 'case:\n  name: demo\nruntime:\n  thraeds: 2\n' >"$work/typo.yaml"
run generate -c "$work/typo.yaml"
[[ $rc -eq 2 ]] && grep -q "unknown key 'thraeds'" <<<"$out" && grep -q "typo.yaml:4:3" <<<"$out" &&
  grep -q "did you mean 'threads'?" <<<"$out" &&
  grep -q "Accepted keys: threads, progress_seconds, progress_steps" <<<"$out"
check "misspelled key is named with file, line, accepted keys" $? "rc=$rc $out"

# a misspelled section
printf 'case:\n  name: demo\nrnu:\n  stages: [train]\n' >"$work/section.yaml"
run run -c "$work/section.yaml"
[[ $rc -eq 2 ]] && grep -q "unknown section 'rnu'" <<<"$out" && grep -q "did you mean 'run'?" <<<"$out"
check "misspelled section is named" $? "rc=$rc $out"

# a value out of range, and a --set typo
printf 'case:\n  name: demo\n' >"$work/ok.yaml"
run train -c "$work/ok.yaml" --set runtime.threads=-1
[[ $rc -eq 2 ]] && grep -q "'runtime.threads' (--set runtime.threads) = -1 is out of range" <<<"$out"
check "out-of-range --set is named" $? "rc=$rc $out"

# no case file
run train
[[ $rc -eq 2 ]] && grep -q "needs a case file" <<<"$out"
check "stage without a case file says so" $? "rc=$rc $out"

# a stage whose input is missing fails with status 1 and names the file
run rollout -c "$work/ok.yaml" --out "$work/nothing"
[[ $rc -eq 1 ]] && grep -q "best.h5" <<<"$out"
check "rollout without a trained model names the missing checkpoint" $? "rc=$rc $out"

# run writes the resolved case (with --set, --seed, --out applied) and reports missing stages
run run -c "$work/ok.yaml" --out "$work/run" --seed 7 --set runtime.threads=1 --set run.stages=[] -v
resolved="$work/run/config.resolved.yaml"
[[ $rc -eq 0 && -f "$resolved" ]] && grep -q "seed: 7" "$resolved" && grep -q "threads: 1" "$resolved" &&
  grep -q "resolved case" <<<"$out" && ! ls "$work/run" | grep -q '\.tmp\.'
check "run writes the resolved case" $? "rc=$rc $out"

# options after -- reach PETSc, and case-file PETSc options are applied
printf 'case:\n  name: demo\npetsc:\n  options_left: \n' >"$work/petsc.yaml"
run run -c "$work/petsc.yaml" --out "$work/run2" --set run.stages=[] -q -- -eddyop_unused_option 3
[[ $rc -eq 0 ]] && grep -q "eddyop_unused_option" <<<"$out"
check "options after -- go to PETSc" $? "rc=$rc $out"

# the case-file reference in docs/ is the one the program generates
"$eddyop" reference >"$work/reference.md" 2>&1
diff "$work/reference.md" "$src/docs/case-files.md" >"$work/diff" 2>&1
check "docs/case-files.md is up to date (regenerate: eddyop reference > docs/case-files.md)" $? "$(head -20 "$work/diff")"

# info FILE describes an eddyop HDF5 file written with h5py alone, as docs/data-format.md says
"${EDDYOP_PYTHON:-/usr/bin/python3}" - "$work/data.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["format"] = "eddyop"; f.attrs["format_version"] = np.int64(1); f.attrs["kind"] = "dataset"
    for g in ("fields", "grid", "physics", "provenance"):
        f.create_group(g)
    u = f["fields"].create_dataset("u", data=np.zeros((3, 8, 4), dtype=np.float32))
    u.attrs["axes"] = "sample,x,y"
    f["grid"].create_dataset("x", data=np.linspace(0.0, 1.0, 8))
    f["physics"].attrs["nu"] = 1e-3
PY
run info "$work/data.h5"
[[ $rc -eq 0 ]] && grep -q "field u float32 (3, 8, 4) (sample,x,y)" <<<"$out" && grep -q "physics.nu = 0.001" <<<"$out"
check "info FILE describes an HDF5 file written by h5py" $? "rc=$rc $out"

# a truncated HDF5 file: one line naming the file, no HDF5 stack dump
head -c 1000 "$work/data.h5" >"$work/cut.h5"
run info "$work/cut.h5"
[[ $rc -eq 2 && $(wc -l <<<"$out") -eq 1 ]] && grep -q "cut.h5" <<<"$out" && ! grep -q "HDF5-DIAG" <<<"$out"
check "truncated HDF5 file gives one line naming it" $? "rc=$rc $out"

# generate: a small Burgers dataset with its .xmf, described by info
small=(--set burgers.samples=6 --set burgers.test_samples=1 --set burgers.n=256
       --set burgers.n_store=64 --set generate.shard_samples=2)
run generate -c "$src/cases/burgers-small.yaml" --out "$work/gen1" "${small[@]}"
[[ $rc -eq 0 && -f "$work/gen1/data/dataset.h5" && -f "$work/gen1/data/dataset.xmf" ]] &&
  ! ls "$work/gen1/data" | grep -q 'shards\|\.tmp\.'
check "generate writes the dataset and its .xmf" $? "rc=$rc $out"
run info "$work/gen1/data/dataset.h5"
grep -q "field uT float32 (6, 64) (sample,x)" <<<"$out" && grep -q "physics.nu = 0.1" <<<"$out"
check "info describes the generated dataset" $? "rc=$rc $out"

# generate on 2 ranks writes the same samples into one file; a capped run resumes to it
out=$("${MPIEXEC:-mpiexec}" -n 2 "$eddyop" generate -c "$src/cases/burgers-small.yaml" \
  --out "$work/gen2" "${small[@]}" --set generate.max_shards=1 2>&1)
rc=$?
[[ $rc -eq 0 && -d "$work/gen2/data/dataset.h5.shards" && ! -f "$work/gen2/data/dataset.h5" ]]
check "a capped 2-rank generate leaves shards and no dataset" $? "rc=$rc $out"
out=$("${MPIEXEC:-mpiexec}" -n 2 "$eddyop" generate -c "$src/cases/burgers-small.yaml" \
  --out "$work/gen2" "${small[@]}" 2>&1)
rc=$?
same=$("${EDDYOP_PYTHON:-/usr/bin/python3}" - "$work/gen1/data/dataset.h5" "$work/gen2/data/dataset.h5" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
same = all(np.array_equal(a["fields"][k][...], b["fields"][k][...]) for k in ("u0", "uT"))
print("same" if same and b["provenance"].attrs["mpi_size"] == 2 else "different")
PY
)
[[ $rc -eq 0 && $same == same && ! -d "$work/gen2/data/dataset.h5.shards" ]]
check "2-rank resumed generate equals the 1-rank dataset (h5py)" $? "rc=$rc $same $out"

# bad solver input: exit 2 before anything runs, naming the setting
run generate -c "$src/cases/ns2d-small.yaml" --out "$work/bad" --set ns2d.nu=0
[[ $rc -eq 2 ]] && grep -q "'ns2d.nu' (--set ns2d.nu) = 0 is out of range" <<<"$out"
check "ns2d nu <= 0 is refused" $? "rc=$rc $out"
run generate -c "$src/cases/ns2d-small.yaml" --out "$work/bad" --set ns2d.dt=0.01
[[ $rc -eq 2 ]] && grep -q "dt = 0.01 is above the stability limit" <<<"$out"
check "ns2d dt above the stability limit is refused" $? "rc=$rc $out"
run generate -c "$src/cases/darcy-small.yaml" --out "$work/bad" --set darcy.n=400 --set darcy.n_store=2
[[ $rc -eq 2 ]] && grep -q "n = 400 coarsens only" <<<"$out"
check "darcy grid that multigrid cannot coarsen is refused" $? "rc=$rc $out"
printf 'case:\n  name: demo\ngenerate:\n  solver: burgers\nburgers:\n  nuu: 0.1\n' >"$work/nuu.yaml"
run generate -c "$work/nuu.yaml"
[[ $rc -eq 2 ]] && grep -q "unknown key 'nuu'" <<<"$out" && grep -q "did you mean 'nu'?" <<<"$out"
check "misspelled solver key is named" $? "rc=$rc $out"
[[ ! -e "$work/bad" ]]
check "refused input wrote nothing" $? "$(ls -R "$work/bad" 2>&1)"

# a tiny channel run: dataset, statistics and checkpoint in the folder of generate.output, .xmf
run generate -c "$work/ok.yaml" --out "$work/channel" --set generate.solver=channel \
  --set channel.nx=16 --set channel.ny=17 --set channel.nz=8 --set channel.out_nx=8 \
  --set channel.out_ny=9 --set channel.out_nz=4 --set channel.samples=2 \
  --set channel.sample_interval=0.02 --set channel.spinup_time=0 -q
d="$work/channel/data"
[[ $rc -eq 0 && -f "$d/dataset.h5" && -f "$d/dataset.xmf" && -f "$d/checkpoint.h5" ]]
check "generate.solver=channel writes the dataset, its .xmf and a checkpoint" $? "rc=$rc $out $(ls "$d" 2>&1)"
run info "$d/dataset.h5"
[[ $rc -eq 0 ]] && grep -q "field u float32 (1, 2, 8, 8, 4) (trajectory,time,x,y,z)" <<<"$out"
check "channel dataset is (trajectory, time, x, y, z): 8 cell averages between the walls" $? "rc=$rc $out"
# an LES started from a snapshot of that dataset: its times continue the dataset's, it records
# its cost; a time index the dataset does not have is refused naming it, before anything is written
from=(generate -c "$work/ok.yaml" --set generate.solver=channel --set channel.nx=16
  --set channel.ny=17 --set channel.nz=8 --set channel.out_nx=8 --set channel.out_ny=9
  --set channel.out_nz=4 --set channel.samples=2 --set channel.sample_interval=0.02
  --set channel.spinup_time=0 --set channel.initial_dataset="$d/dataset.h5" -q)
run "${from[@]}" --out "$work/from" --set channel.initial_step=1
[[ $rc -eq 0 ]] && run info "$work/from/data/dataset.h5" && grep -q "grid t 2 points from 0.02 to 0.04" <<<"$out" &&
  grep -q "physics.cost_cpu_s_per_interval" <<<"$out" && grep -q "physics.initial_step = 1" <<<"$out"
check "channel.initial_dataset starts from the dataset's snapshot and records the cost" $? "rc=$rc $out"
run "${from[@]}" --out "$work/from2" --set channel.initial_step=2
[[ $rc -ne 0 && ! -e "$work/from2" ]] && grep -q "initial_step = 2 but /fields/u of initial_dataset '$d/dataset.h5' has 2 time steps" <<<"$out"
check "channel.initial_step beyond the dataset is refused naming it" $? "rc=$rc $out"

# eddyop run skips a stage that finished with the same settings, reruns it with --from or when a
# setting changed, and logs to log.txt
tiny=(--set generate.solver=channel --set channel.nx=16 --set channel.ny=17 --set channel.nz=8
  --set channel.out_nx=8 --set channel.out_ny=9 --set channel.out_nz=4 --set channel.samples=2
  --set channel.sample_interval=0.02 --set channel.spinup_time=0 --set run.stages=[generate])
run run -c "$work/ok.yaml" --out "$work/again" "${tiny[@]}"
first=$(stat -c %Y.%N "$work/again/data/dataset.h5" 2>&1)
run run -c "$work/ok.yaml" --out "$work/again" "${tiny[@]}"
[[ $rc -eq 0 ]] && grep -q "stage generate: unchanged since it last finished, skipped" <<<"$out" &&
  [[ "$(stat -c %Y.%N "$work/again/data/dataset.h5")" == "$first" ]] && grep -q "skipped" "$work/again/log.txt"
check "a second run skips the finished stage and logs to log.txt" $? "rc=$rc $out"
run run -c "$work/ok.yaml" --out "$work/again" "${tiny[@]}" --from generate
[[ $rc -eq 0 ]] && grep -q "stage generate: done" <<<"$out"
check "--from reruns the stage" $? "rc=$rc $out"
run run -c "$work/ok.yaml" --out "$work/again" "${tiny[@]}" --set channel.samples=3
[[ $rc -eq 0 ]] && grep -q "stage generate: done" <<<"$out"
check "a changed setting reruns the stage" $? "rc=$rc $out"
run run -c "$work/ok.yaml" --out "$work/again" "${tiny[@]}" --from train
[[ $rc -eq 2 ]] && grep -q "the case runs only these stages: generate" <<<"$out"
check "--from a stage the case does not run is refused" $? "rc=$rc $out"

# evaluate and export take files on the command line, without a case file
run evaluate "$d/dataset.h5" --out "$work/explicit" --set evaluate.plots=false -q
[[ $rc -eq 0 && -f "$work/explicit/eval/metrics.json" && -f "$work/explicit/eval/report.md" ]]
check "evaluate FILE writes metrics and a report without a case file" $? "rc=$rc $out"
run export "$d/dataset.h5" --out "$work/explicit" -q
[[ $rc -eq 0 && -f "$work/explicit/export/dataset/dataset.pvd" ]]
check "export FILE writes a .pvd series without a case file" $? "rc=$rc $out $(ls -R "$work/explicit" 2>&1 | head)"

# a periodic box: an NS2D dataset, a "rollout" of samples 2 and 0 scaled by (1 + 0.1 t) and
# (1 + 0.3 t) (h5py), evaluated through the command line (kind told from the files, the errors of
# both trajectories and their mean), exported as .vti + .pvd + .xmf, and bad input refused
run generate -c "$src/cases/ns2d-small.yaml" --out "$work/ns2d" --set ns2d.samples=3 \
  --set ns2d.test_samples=1 --set ns2d.n=32 --set ns2d.n_store=16 --set ns2d.t_final=2 -q
b="$work/ns2d"
py=${EDDYOP_PYTHON:-/usr/bin/python3}
"$py" - "$b" <<'PY'
import sys, h5py, numpy as np
b = sys.argv[1]
with h5py.File(f"{b}/data/dataset.h5") as f:
    w, t = f["fields/vorticity"][...], f["grid/t"][...]
    for name, field, data in [("pred", "vorticity", None), ("renamed", "omega", None),
                              ("coarse", "vorticity", "coarse")]:
        with h5py.File(f"{b}/{name}.h5", "w") as g:
            for k, v in f.attrs.items():
                g.attrs[k] = v
            g.attrs["kind"] = "trajectory"
            g.attrs["trajectories"] = "2,0"
            for grp in ("grid", "physics", "provenance"):
                f.copy(grp, g)
            p = np.stack([w[2] * (1 + 0.1 * t)[:, None, None], w[0] * (1 + 0.3 * t)[:, None, None]])
            if data == "coarse":
                p = p[:, :, ::2, ::2]
                for a in ("x", "y"):
                    x = g[f"grid/{a}"][::2]
                    del g[f"grid/{a}"]
                    g[f"grid/{a}"] = x
            g.create_dataset(f"fields/{field}", data=p.astype(np.float32)).attrs["axes"] = \
                "trajectory,time,x,y"
PY
run evaluate "$b/pred.h5" --out "$b/ev" --set evaluate.truth="$b/data/dataset.h5" \
  --set evaluate.labels=[FNO] --set evaluate.error_threshold=0.25 --set evaluate.plots=false -q
[[ $rc -eq 0 ]] && "$py" - "$b/ev/eval/metrics.json" <<'PY' && grep -q "Rollout errors per trajectory" "$b/ev/eval/report.md"
import json, sys
m = json.load(open(sys.argv[1]))
e = m["runs"][1]["errors"]
ok = (m["kind"] == "periodic_box" and e["trajectories"] == 2 and e["steps"] == 3
      and abs(e["final"]["rel_l2"] - 0.4) < 1e-5
      and [round(t["final"]["rel_l2"], 5) for t in e["per_trajectory"]] == [0.2, 0.6]
      and [t["sample"] for t in e["per_trajectory"]] == [2, 0]
      and e["trajectories_crossed"] == 1 and abs(e["crossing_time_mean"] - 0.25 / 0.3) < 1e-4
      and m["runs"][0]["spectra"][0]["name"] == "vorticity")
sys.exit(0 if ok else f"unexpected metrics: {json.dumps(e)[:600]}")
PY
check "evaluate of an NS2D rollout: errors of each trajectory and their mean, report" $? "rc=$rc $out"
run export "$b/pred.h5" --out "$b/ev" --set export.steps=[0,-1] -q
[[ $rc -eq 0 && -f "$b/ev/export/pred/pred_00002.vti" && -f "$b/ev/export/pred/pred.pvd" ]] &&
  "$py" "$src/tests/postprocess/check_xmf.py" "$b/pred.xmf" "$b/data/dataset.xmf" >/dev/null
check "export of a periodic box writes .vti + .pvd and an .xmf that h5py can follow" $? "rc=$rc $out"
run evaluate "$b/renamed.h5" --out "$b/bad" --set evaluate.truth="$b/data/dataset.h5" -q
[[ $rc -ne 0 ]] && grep -q "has no field 'omega'" <<<"$out"
check "evaluate names a field the truth lacks" $? "rc=$rc $out"
run evaluate "$b/coarse.h5" --out "$b/bad" --set evaluate.truth="$b/data/dataset.h5" -q
[[ $rc -ne 0 ]] && grep -q "has 8 nodes along x but" <<<"$out" && [[ ! -e "$b/bad" ]]
check "evaluate refuses a rollout on another grid, naming both" $? "rc=$rc $out"

# every case file that ships with eddyop is valid
for c in "$src"/cases/*.yaml; do
  run run -c "$c" --out "$work/cases" --set run.stages=[] -q
  check "shipped case $(basename "$c") is valid" $rc "$out"
done

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
