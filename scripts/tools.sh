#!/usr/bin/env bash
# Provides every tool the build and tests need, from this repo's pinned versions, into a
# per-user cache outside the repo (so fresh clones on the same machine reuse it):
#   terraform (>= 1.5.7 from PATH, else OpenTofu built from the Go proxy)
#   hashicorp/aws provider (registry when reachable, else built from the Go proxy into a
#   filesystem mirror that a generated CLI config points at)
#   tflint, terraform-docs, staticcheck
# and checks what it cannot install for you: the host's python3 (with boto3, which Lambda's
# Python runtime provides) and node with npm, which localaws runs the example workers with.
# Usage: scripts/tools.sh            install everything, print the CLI config path
#        scripts/tools.sh --print-env print the variables Make exports
set -euo pipefail

# Pinned versions. The provider is hashicorp/terraform-provider-aws main at 6.48.0-dev; its Go
# pseudo-version is what the Go proxy serves, MIRROR_VERSION is the plain release number the
# mirror advertises (a pre-release label would not satisfy ">= 6.23").
PROVIDER_MODULE=github.com/hashicorp/terraform-provider-aws
PROVIDER_PSEUDO=v1.60.1-0.20260602190131-5f2286d6d836
PROVIDER_MIRROR_VERSION=6.48.0
TFLINT_VERSION=v0.64.0
STATICCHECK_VERSION=v0.8.2
MIN_TERRAFORM=1.5.7

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TENANT_ISOLATION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tenant-isolation}
BIN=$CACHE/bin
MIRROR=$CACHE/provider-mirror/$PROVIDER_PSEUDO
PLATFORM=$(go env GOOS)_$(go env GOARCH)
RC=$CACHE/terraform.rc

if [[ ${1:-} == --print-env ]]; then
  echo "TOOLS_BIN=$BIN"
  echo "TF_CLI_CONFIG_FILE=$RC"
  exit 0
fi

log() { printf '==> %s\n' "$*" >&2; }
mkdir -p "$BIN"

# with_heartbeat LABEL CMD...: runs CMD, printing elapsed minutes while it works.
with_heartbeat() {
  local label=$1 start=$SECONDS
  shift
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if (((SECONDS - start) % 60 < 5 && SECONDS - start >= 60)); then
      log "$label: still building ($(((SECONDS - start) / 60)) min elapsed)"
    fi
  done
  wait "$pid"
}

# go_tool NAME PKG VERSION: installs a Go-built tool as $BIN/NAME-VERSION, linked as $BIN/NAME.
go_tool() {
  local name=$1 pkg=$2 version=$3 target=$BIN/$1-$3
  if [[ ! -x $target ]]; then
    log "installing $name $version from the Go module proxy"
    local tmp
    tmp=$(mktemp -d "$CACHE/.gobin.XXXXXX")
    GOBIN=$tmp GOFLAGS=-trimpath go install -ldflags "-s -w" "$pkg@$version"
    mv "$tmp/$(basename "$pkg")" "$target"
    rm -rf "$tmp"
  fi
  ln -sfn "$target" "$BIN/$name"
}

version_ge() { [[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1) == "$2" ]]; }

# module_tool NAME DIR PKG: builds PKG from the tools module in DIR (which pins its version
# and repeats any replace directive) as $BIN/NAME-VERSION, linked as $BIN/NAME.
module_tool() {
  local name=$1 dir=$ROOT/$2 pkg=$3 version
  version=$(awk -v m="${pkg%%/cmd/*}" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$dir/go.mod")
  local target=$BIN/$name-$version
  if [[ ! -x $target ]]; then
    log "building $name $version from the Go module proxy (pinned in ${dir#"$ROOT"/}/go.mod)"
    (cd "$dir" && with_heartbeat "$name" env GOFLAGS=-trimpath go build -ldflags "-s -w" -o "$target.tmp" "$pkg")
    mv "$target.tmp" "$target"
  fi
  ln -sfn "$target" "$BIN/$name"
}

terraform_binary() {
  local tf version
  if tf=$(command -v terraform 2>/dev/null) && [[ $tf != "$BIN/terraform" ]]; then
    version=$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
    if [[ -n $version ]] && version_ge "$version" "$MIN_TERRAFORM"; then
      log "using terraform $version at $tf"
      ln -sfn "$tf" "$BIN/terraform"
      return
    fi
    log "terraform ${version:-?} at $tf is older than $MIN_TERRAFORM; building OpenTofu instead"
  elif [[ -L $BIN/terraform && -x $BIN/terraform ]]; then
    return # chosen on an earlier run
  fi
  module_tool tofu tools/opentofu github.com/opentofu/opentofu/cmd/tofu
  ln -sfn "$BIN/tofu" "$BIN/terraform"
}

registry_reachable() {
  command -v curl >/dev/null 2>&1 &&
    curl -fsS -o /dev/null -m 5 https://registry.terraform.io/v1/providers/hashicorp/aws/versions 2>/dev/null
}

provider() {
  local dir=$MIRROR/registry.terraform.io/hashicorp/aws/$PROVIDER_MIRROR_VERSION/$PLATFORM
  local bin=$dir/terraform-provider-aws_v${PROVIDER_MIRROR_VERSION}_x5
  if [[ ! -x $bin ]]; then
    log "building hashicorp/aws $PROVIDER_MIRROR_VERSION ($PROVIDER_MODULE@$PROVIDER_PSEUDO) from the Go module proxy"
    log "this happens once per machine and takes tens of minutes on 2 cores (about 45); later runs reuse $CACHE"
    mkdir -p "$dir"
    local tmp
    tmp=$(mktemp -d "$CACHE/.provider.XXXXXX")
    with_heartbeat "hashicorp/aws" env GOBIN="$tmp" GOFLAGS=-trimpath \
      go install -ldflags "-s -w" "$PROVIDER_MODULE@$PROVIDER_PSEUDO"
    mv "$tmp/terraform-provider-aws" "$bin"
    rm -rf "$tmp"
    log "hashicorp/aws built in $((SECONDS / 60)) min"
  fi
  # OpenTofu resolves hashicorp/aws through its own registry host: mirror the same files there.
  mkdir -p "$MIRROR/registry.opentofu.org/hashicorp"
  ln -sfn "$MIRROR/registry.terraform.io/hashicorp/aws" "$MIRROR/registry.opentofu.org/hashicorp/aws"
}

write_rc() {
  local tmp=$RC.tmp
  if [[ ${1:-} == mirror ]]; then
    cat >"$tmp" <<RC
# Generated by scripts/tools.sh. hashicorp/aws comes from a local filesystem mirror built from
# the Go module proxy (unpacked, so init links it instead of copying); every other provider
# from its registry. No plugin_cache_dir: it is not safe for the parallel inits of the tests.
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]
  }
}
RC
  else
    cat >"$tmp" <<RC
# Generated by scripts/tools.sh. The registry is reachable: providers install from it.
RC
  fi
  mv "$tmp" "$RC"
}

# host_runtimes fails early, naming the fix, when the interpreters localaws runs the Python and
# Node.js workers with are missing: the e2e suite would otherwise fail much later.
host_runtimes() {
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null ||
    { log "python3 >= 3.9 is missing: install it (apt-get install python3)"; exit 1; }
  python3 -c 'import boto3' 2>/dev/null ||
    { log "python3 cannot import boto3, which Lambda's Python runtime provides: pip install boto3 (or apt-get install python3-boto3)"; exit 1; }
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 18 ? 1 : 0)' 2>/dev/null ||
    { log "node >= 18 is missing: install it (apt-get install nodejs)"; exit 1; }
  command -v npm >/dev/null 2>&1 ||
    { log "npm is missing: install it (apt-get install npm)"; exit 1; }
}

# Two make invocations (or CI and a developer) must not build into the cache at once.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  log "another tools install holds $CACHE/.lock; waiting for it"
  flock 9
fi

host_runtimes
terraform_binary
go_tool staticcheck honnef.co/go/tools/cmd/staticcheck "$STATICCHECK_VERSION"
module_tool terraform-docs tools/terraform-docs github.com/terraform-docs/terraform-docs
go_tool tflint github.com/terraform-linters/tflint "$TFLINT_VERSION"
if [[ ${TENANT_ISOLATION_USE_REGISTRY:-auto} == auto ]] && registry_reachable; then
  log "registry.terraform.io is reachable: terraform init will download hashicorp/aws >= 6.23"
  write_rc registry
else
  provider
  write_rc mirror
fi
log "tools ready in $BIN; CLI config $RC"
