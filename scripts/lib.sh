# Shared by scripts/setup, scripts/test and scripts/demo (sourced, not run): where things are,
# the tool PATH, and how to print a step so a long log is easy to scan.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOKENWARDEN_TOOLS:-$HOME/.cache/tokenwarden-tools}"

# The same PATH scripts/setup installs into: cargo-installed trunk and wasm-bindgen (in
# $CARGO_HOME/bin, ~/.cargo/bin unless CARGO_HOME says otherwise), npm binaryen.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
# Trunk would otherwise ask the network for a newer version of itself.
export TRUNK_SKIP_VERSION_CHECK=true

# The Python virtual environment scripts/setup installs tests/python/requirements.txt into
# (python-gitlab, pinned). Scripts run Python through venv_python, never the system's.
PYTHON_VENV="$TOOLS_DIR/python-venv"

# venv_python: the venv's interpreter, or a clear error when scripts/setup has not made it.
venv_python() {
  if [ ! -x "$PYTHON_VENV/bin/python" ]; then
    fail "no Python environment at $PYTHON_VENV: run ./scripts/setup"
    return 1
  fi
  printf '%s\n' "$PYTHON_VENV/bin/python"
}

if [ -t 1 ]; then
  _bold=$'\033[1m' _red=$'\033[31m' _green=$'\033[32m' _reset=$'\033[0m'
else
  _bold='' _red='' _green='' _reset=''
fi

# banner "text": a line that stands out in a long CI log.
banner() {
  printf '\n%s==> %s%s\n' "$_bold" "$*" "$_reset"
}

info() { printf '%s[%s]%s %s\n' "$_bold" "${LOG_TAG:-tokenwarden}" "$_reset" "$*"; }
fail() { printf '%s[%s] error:%s %s\n' "$_red" "${LOG_TAG:-tokenwarden}" "$_reset" "$*" >&2; }
ok() { printf '%s%s%s\n' "$_green" "$*" "$_reset"; }

run_setup() {
  if [ "${TOKENWARDEN_SKIP_SETUP:-}" = 1 ]; then
    info "TOKENWARDEN_SKIP_SETUP=1: not running scripts/setup"
  else
    banner "setup: tools and dependencies (skips what is already installed)"
    "$ROOT/scripts/setup"
  fi
}

# cargo's target directory (honours CARGO_TARGET_DIR and .cargo/config), without resolving deps.
target_dir() {
  (cd "$ROOT" && cargo metadata --no-deps --format-version 1 --offline) |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))'
}

# Fails with a clear message when the release site has not been built (or has no wasm in it).
require_dist() {
  if ! compgen -G "$ROOT/dist/*.wasm" >/dev/null || [ ! -f "$ROOT/dist/index.html" ]; then
    fail "no release site in dist/: build it first with 'trunk build index.html --release' (or './scripts/test trunk e2e')"
    return 1
  fi
}
