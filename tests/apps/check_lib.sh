# Sourced by the command-line tests (after `set -uo pipefail; eddyop=$1; src=$2`): a scratch
# folder removed at exit ($work), checks counted and the failed ones printed with their detail,
# and the program run with its output and exit status captured.

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0

check() {  # check NAME CONDITION-EXIT-STATUS DETAIL
  if [[ $2 -eq 0 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $1"
    echo "$3" | sed 's/^/    /'
  fi
}

run() {  # run ARGS... -> sets out, rc
  out=$("$eddyop" "$@" 2>&1)
  rc=$?
}
