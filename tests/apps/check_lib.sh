# Sourced by the command-line tests: counts checks, prints the failed ones with their detail,
# and runs the program capturing its output and exit status.

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
