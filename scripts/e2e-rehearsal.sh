#!/usr/bin/env bash
# Rehearses the sandbox-account path of the suite: TEST_TARGET=aws, against a localaws the
# suite knows nothing about. localaws runs here as a separate process with no fault
# injection; the suite reaches it only through AWS_ENDPOINT_URL, with fake keys and zips
# for the host. localaws logs at exit how many calls reached its control endpoints
# (/_localaws/...); an account has none, so any call fails the rehearsal.
#
# Usage: scripts/e2e-rehearsal.sh   (run by `make e2e-rehearsal`, which builds the zips)
# DIST_DIR and LAMBDA_ARCH say where the zips are; REHEARSAL_RUN picks the tests (a go
# test -run pattern, default TestIsolation with the Go worker: apply, traffic, evidence,
# the isolation and role checks, destroy and the leftover check; the account path is the
# same for every runtime of the worker); REHEARSAL_TIMEOUT bounds the suite.
set -euo pipefail

: "${DIST_DIR:?set DIST_DIR to the folder make build wrote}" "${LAMBDA_ARCH:?set LAMBDA_ARCH to the architecture of the zips}"
run=${REHEARSAL_RUN:-^TestIsolation\$/^go\$}
work=$DIST_DIR/rehearsal
mkdir -p "$work"
log=$work/localaws.log

go build -o "$work/localaws" ./cmd/localaws
env -u LOCALAWS_FAULTS "$work/localaws" -addr 127.0.0.1:0 2>"$log" &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap stop EXIT

# The endpoint comes from localaws's log: asking its health would be a control call.
url=
for _ in $(seq 300); do
  url=$(sed -n 's/.*msg="localaws listening" url=\(http:[^ ]*\).*/\1/p' "$log")
  [[ -n $url ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "localaws exited before it listened" >&2; exit 1; }
  sleep 0.1
done
[[ -n $url ]] || { echo "localaws did not say where it listens within 30 s" >&2; exit 1; }
echo "==> rehearsal: TEST_TARGET=aws against localaws at $url (pid $pid), tests $run"

# Only what an account run would have, pointed at the endpoint: no profile, no shared files.
status=0
env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u LOCALAWS_FAULTS \
  TEST_TARGET=aws AWS_ENDPOINT_URL="$url" AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=rehearsal AWS_SECRET_ACCESS_KEY=rehearsal AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  go test -tags e2e -count=1 -timeout "${REHEARSAL_TIMEOUT:-30m}" -parallel 4 -v -run "$run" ./test/ || status=$?

trap - EXIT
stop
calls=$(sed -n 's/.*msg=stopped control_calls=\([0-9]*\).*/\1/p' "$log")
if [[ -z $calls ]]; then
  echo "FAIL: localaws did not report its control calls at exit (log: $log)" >&2
  exit 1
fi
if ((calls != 0)); then
  echo "FAIL: the suite made $calls calls to localaws's /_localaws endpoints; on TEST_TARGET=aws it must make none" >&2
  exit 1
fi
echo "==> rehearsal: localaws served no control call"
exit "$status"
