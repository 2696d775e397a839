#!/usr/bin/env bash
# Runs `terraform test` (mock provider: no credentials, no endpoint) for every test file in the root
# module's tests/ and in modules/*/tests/, one process per file, as many at once as there are CPUs.
# Each directory is initialised once, into its own data directory, from the offline provider mirror.
# Usage (through make, which puts the cached tools on PATH): make test-module
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jobs=()
for dir in . modules/*; do
  compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || continue
  data=$work/data/${dir//\//_}
  mkdir -p "$data"
  if ! TF_DATA_DIR=$data terraform -chdir="$dir" init -backend=false -input=false >/dev/null 2>"$data.err"; then
    cat "$data.err" >&2
    exit 1
  fi
  for file in "$dir"/tests/*.tftest.hcl; do
    jobs+=("$dir|$data|${file#"$dir"/}")
  done
done

# One line per job: "<dir>|<data dir>|<file>"; the output goes to a log named after the job.
run_one() {
  IFS='|' read -r dir data file <<<"$1"
  log=$2/$(echo "$dir/$file" | tr '/.' '__').log
  if TF_DATA_DIR=$data terraform -chdir="$dir" test -no-color -filter="$file" >"$log" 2>&1; then
    echo "ok   $dir/$file ($(grep -Eo '[0-9]+ passed' "$log"))"
  else
    echo "FAIL $dir/$file"
    cat "$log"
    return 1
  fi
}
export -f run_one

start=$SECONDS
status=0
printf '%s\n' "${jobs[@]}" | xargs -P "$(nproc)" -I{} bash -c 'run_one "$@"' _ {} "$work" || status=$?
# Lock files are not kept in this repository (.gitignore): remove the ones init wrote.
for dir in . modules/*; do [[ -e $dir/tests ]] && rm -f "$dir/.terraform.lock.hcl"; done
echo "terraform test: ${#jobs[@]} files in $((SECONDS - start)) s"
exit "$status"
