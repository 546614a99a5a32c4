#!/usr/bin/env bash
# quicksand's single entry point. Run `./build.sh help` for the commands.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

PKG="$ROOT/www/pkg"
WASM_TARGET=wasm32-unknown-unknown
# 1 GiB: room for a 4096×4096 world, its frames and every thread's stack.
# docs/ABI.md, loader/ and tools/ (its default --max-pages) use the same limit.
MAX_MEMORY_BYTES=1073741824
# The linker's own stack only carries the bootstrap calls on the main
# thread (every thread then switches to a stack from the heap); 64 KiB,
# a multiple of 16 as the wasm C ABI requires.
LINKER_STACK_BYTES=65536
THREAD_FEATURES="+atomics,+bulk-memory,+mutable-globals"
WASM_OPT_FEATURES=(--enable-threads --enable-bulk-memory --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int)
ABI_EXPORTS=(__stack_pointer __tls_base __tls_size __tls_align __wasm_init_tls __heap_base __data_end)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
usage: ./build.sh [command] [options]

  (none)                 build every module into www/pkg/
  serve [--port N]       build, then serve www/ on 127.0.0.1:N (default 8000)
  test                   build, then run every test (Rust, wasmtime, Node, browser)
  bench [--json] [...]   build, then run the benchmarks (options go to the bench binary)
  bench --browser [...]  the game in Chromium or Firefox (--engine): crew vs game at max speed,
                         painting, main-thread ms and upload bytes per frame (--help for options)
  fuzz [--seed N] [...]  build, then fuzz the exports and saves (a million calls; --help for options)
  soak [--steps N] [...] build, then soak: random play, 2 workers vs 1 must stay identical
  validate FILE.wasm     check a module against the thread ABI
  help                   this text

Each command installs what it needs on a fresh machine (the wasm target, npm
packages, and for `test` Debian's chromium, firefox-esr, xvfb and
webkit2gtk-driver).
EOF
}

# ---- installs -------------------------------------------------------------

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    log "installing the Rust target $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi
}

ensure_npm_packages() {
  # Reinstall when package-lock.json is newer than the installed tree.
  if [[ ! -x node_modules/.bin/wasm-opt || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "installing npm dev dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# ensure_debian_package COMMAND PACKAGE [COMMAND PACKAGE ...]: installs
# each PACKAGE whose COMMAND is missing, with one apt-get update for all.
ensure_debian_package() {
  local missing=()
  while [[ $# -gt 0 ]]; do
    command -v "$1" >/dev/null || missing+=("$2")
    shift 2
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  log "installing Debian's ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The three engines of the browser suite (tests/browser/README.md): Chromium,
# Firefox ESR and WebKitGTK (WebKitWebDriver and its MiniBrowser), the
# last two under Xvfb. puppeteer-core and the WebDriver client drive these
# binaries; no browser is ever downloaded.
ensure_browsers() {
  ensure_debian_package /usr/bin/chromium chromium firefox-esr firefox-esr Xvfb xvfb WebKitWebDriver webkit2gtk-driver
}

# A validator we did not write: wabt's wasm-validate, with threads enabled.
third_party_validate() {
  ensure_debian_package wasm-validate wabt
  local module
  for module in "$PKG"/*.wasm; do
    wasm-validate --enable-threads "$module" || die "wasm-validate rejected $(basename "$module")"
    printf '  wasm-validate: %s ok\n' "$(basename "$module")" >&2
  done
}

# ---- the wasm modules -----------------------------------------------------

# link_args SHARED: the wasm-ld arguments for one variant.
link_args() {
  local shared=$1 args=()
  if [[ $shared == yes ]]; then
    args+=(--shared-memory --import-memory "--max-memory=$MAX_MEMORY_BYTES")
  else
    args+=(--import-memory "--max-memory=$MAX_MEMORY_BYTES")
  fi
  args+=("-zstack-size=$LINKER_STACK_BYTES")
  for name in "${ABI_EXPORTS[@]}"; do args+=("--export=$name"); done
  args+=(--export-if-defined=__stack_low --export-if-defined=__stack_high)
  for arg in "${args[@]}"; do printf -- '-Clink-arg=%s\n' "$arg"; done
}

# compile_sim NAME FEATURES SHARED: builds the cdylib; prints the .wasm path.
compile_sim() {
  local name=$1 features=$2 shared=$3
  local target_dir="$ROOT/target/wasm-$name"
  local -a extra
  mapfile -t extra < <(link_args "$shared")
  # Note: the `wasm` profile keeps LTO on. Without it, stable's precompiled
  # core (built without atomics) reaches the link and wasm-ld refuses
  # --shared-memory. RUSTFLAGS only reaches the wasm crate, not host tools.
  RUSTFLAGS="-Ctarget-feature=$features" \
    cargo rustc --quiet -p quicksand-sim --lib --target "$WASM_TARGET" --profile wasm \
    --crate-type cdylib --target-dir "$target_dir" -- "${extra[@]}" 2> >(grep -v -e 'unstable feature specified' -e 'not stably supported' -e '^ *|$' -e '^ *= note' -e '^$' >&2)
  echo "$target_dir/$WASM_TARGET/wasm/quicksand_sim.wasm"
}

validator() {
  cargo build --quiet --release -p quicksand-tools
  "$ROOT/target/release/quicksand-tools" "$@"
}

build_modules() {
  ensure_wasm_target
  ensure_npm_packages
  mkdir -p "$PKG"
  local wasm_opt="$ROOT/node_modules/.bin/wasm-opt"

  log "building sim (threads, shared memory)"
  local threaded
  threaded=$(compile_sim threaded "$THREAD_FEATURES" yes)
  "$wasm_opt" "${WASM_OPT_FEATURES[@]}" -O3 --strip-debug "$threaded" -o "$PKG/sim.wasm"
  # The checked build keeps the name section: --stack-check finds
  # __stack_pointer by name, and traps are easier to read with names.
  "$wasm_opt" "${WASM_OPT_FEATURES[@]}" -O3 --stack-check -g "$threaded" -o "$PKG/sim-checked.wasm"

  log "building sim-st (one thread, no shared memory: the fallback)"
  local single
  single=$(compile_sim single "+bulk-memory,+mutable-globals" no)
  "$wasm_opt" "${WASM_OPT_FEATURES[@]}" -O3 --strip-debug "$single" -o "$PKG/sim-st.wasm"

  log "copying the loader"
  mkdir -p "$PKG/loader"
  cp "$ROOT"/loader/*.js "$PKG/loader/"
  # One generated file for the page (./pkg/abi.js) and the loader copy (../abi.js).
  log "generating abi.js from sim/src/abi/constants.rs"
  validator abi-js --out "$PKG/abi.js"

  log "checking the threaded modules against the thread ABI"
  local module report
  for module in "$PKG/sim.wasm" "$PKG/sim-checked.wasm"; do
    if ! report=$(validator validate "$module"); then
      printf '%s\n' "$report" >&2
      die "$(basename "$module") violates the thread ABI (see above)"
    fi
  done

  for module in "$PKG"/*.wasm; do
    printf '  %-18s %8d bytes\n' "$(basename "$module")" "$(stat -c %s "$module")" >&2
  done
}

# ---- commands ---------------------------------------------------------------

cmd_serve() {
  build_modules
  cargo build --quiet --release -p quicksand-tools
  exec "$ROOT/target/release/quicksand-tools" serve --root "$ROOT/www" "$@"
}

# The formatter and the linter, on the host build and on both wasm builds
# (the exports only exist on wasm32).
check_style() {
  local component
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      log "installing the Rust component $component"
      rustup component add "$component"
    fi
  done
  ensure_wasm_target
  log "cargo fmt --check"
  cargo fmt --all --check || die "unformatted Rust: run cargo fmt --all"
  log "cargo clippy -D warnings (host, wasm threaded, wasm single-threaded)"
  cargo clippy --quiet --workspace --all-targets -- -D warnings
  RUSTFLAGS="-Ctarget-feature=$THREAD_FEATURES" cargo clippy --quiet -p quicksand-sim --lib \
    --target "$WASM_TARGET" --target-dir "$ROOT/target/clippy-wasm-threaded" -- -D warnings 2> >(grep -v -e 'unstable feature specified' -e 'not stably supported' -e '^ *|$' -e '^ *= note' -e '^$' >&2)
  cargo clippy --quiet -p quicksand-sim --lib --target "$WASM_TARGET" \
    --target-dir "$ROOT/target/clippy-wasm-single" -- -D warnings
}

cmd_test() {
  check_style
  build_modules
  log "third-party validation (wabt)"
  third_party_validate
  log "cargo test (sim unit tests, validator, wasmtime harness)"
  QS_REQUIRE_BUILT_MODULES=1 cargo test --release --workspace
  log "node --test (loader under worker_threads)"
  node --test loader/test/*.test.js
  log "node --test (the page's modules: replay codec, share links)"
  node --test www/test/*.test.js
  ensure_browsers
  cargo build --quiet --release -p quicksand-tools
  browser_tests
}

BROWSER_ENGINES=(chromium firefox webkit)

# The browser suite once per engine, one after the other (the machine's
# cores go to the workers under test); then one line of pass counts.
browser_tests() {
  local engine report counts=() failed=()
  local reports
  reports=$(mktemp -d)
  for engine in "${BROWSER_ENGINES[@]}"; do
    log "browser tests in $engine (tests/browser/, QS_BROWSER=$engine)"
    report="$reports/$engine.tap"
    QS_BROWSER=$engine node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$report" tests/browser/*.test.js || failed+=("$engine")
    counts+=("$engine $(tap_counts "$report")")
  done
  rm -rf "$reports"
  local line
  line=$(printf '%s, ' "${counts[@]}")
  printf '\033[1mbrowser tests: %s\033[0m\n' "${line%, }"
  [[ ${#failed[@]} -eq 0 ]] || die "browser tests failed in ${failed[*]}"
}

# tap_counts FILE: "passed/run" from node --test's TAP summary, and the
# skipped tests (those that do not apply to the engine) after it.
tap_counts() {
  [[ -s $1 ]] || { printf 'no result'; return; }
  awk '/^# tests /{t=$3} /^# pass /{p=$3} /^# skipped /{s=$3}
       END { printf "%d/%d", p, t - s; if (s) printf " (%d skipped)", s }' "$1"
}

cmd_bench() {
  build_modules
  if [[ " $* " == *" --browser "* ]]; then
    # The game in Chromium or Firefox (tests/browser/bench/): its own server, its own options.
    ensure_browsers
    cargo build --quiet --release -p quicksand-tools
    node tests/browser/bench/browser-bench.js "$@"
    return
  fi
  cargo run --quiet --release -p quicksand-tests --bin bench -- "$@"
}

cmd_fuzz() {
  build_modules
  cargo run --quiet --release -p quicksand-tests --bin fuzz -- "$@"
}

cmd_soak() {
  build_modules
  cargo run --quiet --release -p quicksand-tests --bin soak -- "$@"
}

main() {
  local command=${1:-build}
  [[ $# -gt 0 ]] && shift
  case "$command" in
    build) build_modules ;;
    serve) cmd_serve "$@" ;;
    test) cmd_test "$@" ;;
    bench) cmd_bench "$@" ;;
    fuzz) cmd_fuzz "$@" ;;
    soak) cmd_soak "$@" ;;
    validate) validator validate "$@" ;;
    help | -h | --help) usage ;;
    *) usage >&2; die "unknown command '$command'" ;;
  esac
}

main "$@"
