# deploy/common.sh: shell functions shared by run.sh, test.sh and install_data.sh.
# Source it; it defines functions and NR_ROOT (the repository root) and changes nothing else.
# shellcheck shell=bash

NR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the build, the tests and the scripts need (the browser test's: nr_ensure_browser_tools).
# clang and libclang-rt-14-dev (libFuzzer) build the request fuzzer of deploy/test.sh (tests/fuzz/).
NR_PACKAGES=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libgsl-dev
             libsqlite3-dev curl ca-certificates python3 python3-requests python3-pandas python3-matplotlib
             clang libclang-rt-14-dev)

nr_step() { printf '\n==> %s\n' "$*"; }
nr_info() { printf '    %s\n' "$*"; }
nr_warn() { printf 'WARNING: %s\n' "$*" >&2; }
nr_die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Number of parallel build jobs: the core count, at most 8 (the machines we target have 2).
nr_jobs() {
    local n
    n=$(nproc 2>/dev/null || echo 2)
    [ "$n" -gt 8 ] && n=8
    echo "$n"
}

# Prints the packages of NR_PACKAGES that dpkg does not report as installed.
nr_missing_packages() {
    local pkg
    for pkg in "${NR_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            echo "$pkg"
        fi
    done
}

# Installs the missing packages with apt-get (root only); does nothing, quickly, when none is missing.
nr_ensure_packages() {
    nr_step "Checking Debian packages"
    command -v dpkg-query >/dev/null 2>&1 ||
        nr_die "dpkg-query not found: these scripts expect Debian 12; install by hand: ${NR_PACKAGES[*]}"
    local missing
    missing=$(nr_missing_packages | tr '\n' ' ')
    if [ -z "${missing// /}" ]; then
        nr_info "all ${#NR_PACKAGES[@]} packages present"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        nr_die "missing packages: ${missing}
       run as root:  apt-get update && apt-get install -y ${missing}"
    fi
    nr_info "installing: ${missing}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || nr_die "apt-get update failed (no access to the Debian mirrors?)"
    # shellcheck disable=SC2086  # the package list is meant to split into words
    apt-get install -y -q --no-install-recommends $missing || nr_die "apt-get could not install: ${missing}"
}

# The browser test (tests/browser) needs Chromium, Node.js and npm. Checked by command rather than by
# Debian package: a Node.js from elsewhere (e.g. one that ships its own npm) serves as well, and
# installing Debian's npm over it would conflict. Prints the Debian packages to install.
nr_missing_browser_tools() {
    [ -x /usr/bin/chromium ] || echo chromium
    command -v node >/dev/null 2>&1 || echo nodejs
    command -v npm >/dev/null 2>&1 || echo npm
}

# Installs Chromium, Node.js and npm when missing (only deploy/test.sh needs them, not the daemon).
nr_ensure_browser_tools() {
    nr_step "Checking the browser test's tools (chromium, node, npm)"
    local missing
    missing=$(nr_missing_browser_tools | tr '\n' ' ')
    if [ -z "${missing// /}" ]; then
        nr_info "present: $(/usr/bin/chromium --version 2>/dev/null | head -n1), node $(node --version)"
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || nr_die "missing: ${missing}; run as root: apt-get install -y ${missing}"
    nr_info "installing: ${missing}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || nr_die "apt-get update failed (no access to the Debian mirrors?)"
    # shellcheck disable=SC2086  # the package list is meant to split into words
    apt-get install -y -q --no-install-recommends $missing || nr_die "apt-get could not install: ${missing}"
}

# Installs the browser test's npm packages (playwright-core, pinned in tests/browser/package-lock.json)
# with `npm ci`; skips it when node_modules already holds the locked version. Downloads no browser.
nr_install_browser_deps() {
    local dir=$NR_ROOT/tests/browser
    nr_step "Installing the browser test's npm packages (tests/browser/package-lock.json)"
    if node -e '
        const lock = require(process.argv[1] + "/package-lock.json").packages["node_modules/playwright-core"];
        const have = require(process.argv[1] + "/node_modules/playwright-core/package.json");
        process.exit(lock && have.version === lock.version ? 0 : 1);' "$dir" 2>/dev/null; then
        nr_info "playwright-core already installed at the locked version"
        return 0
    fi
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) ||
        nr_die "npm ci failed in tests/browser (no access to the npm registry?)"
}

# nr_build BUILD_DIR [CMAKE_ARGS...]: configures and builds the whole project in BUILD_DIR.
nr_build() {
    local dir=$1
    shift
    nr_step "Configuring in ${dir#"$NR_ROOT"/} ($*)"
    cmake -S "$NR_ROOT" -B "$dir" "$@" ||
        nr_die "cmake could not configure ${dir}: see the CMake errors above"
    nr_step "Building in ${dir#"$NR_ROOT"/} with $(nr_jobs) jobs"
    if ! cmake --build "$dir" -j "$(nr_jobs)"; then
        nr_die "the build failed in ${dir}: the compiler errors are above.
       A fresh checkout should build; if you changed sources, fix the first error and re-run."
    fi
}

# nr_install_data: installs the reference data into NR_ROOT/data (fast when already installed).
nr_install_data() {
    nr_step "Installing reference data into data/"
    bash "$NR_ROOT/deploy/install_data.sh" "$NR_ROOT/data"
}
