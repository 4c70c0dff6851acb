#!/usr/bin/env bash
# deploy/test.sh: the whole test suite, as CI runs it (.ci/run calls this).
#   1. installs missing Debian packages and the reference data (as deploy/run.sh does), and the packages
#      only the tests need (slurm-wlm, munge, nginx, openssl) when it can;
#   2. installs the browser test's tools (chromium, node, npm; playwright-core by npm ci, pinned);
#   3. builds in build-test/ with warnings as errors and runs every ctest test (unit, integration,
#      browser);
#   4. builds in build-asan/ with AddressSanitizer + UndefinedBehaviorSanitizer and runs the unit tests, then
#      the request fixtures and HTTP-framing integration tests against the sanitized daemon;
#   5. builds the libFuzzer target on the request parser/validator (build-fuzz/, clang) and runs it for
#      NUREACH_FUZZ_SECONDS (20) from the request fixtures; a crash, a sanitizer report or a 5xx fails.
#      The long run (1e7 executions) is documented in the README ("Fuzzing").
# Exits non-zero if any step or test fails. Needs no terminal (CI=true, stdin closed are fine).
# NUREACH_SKIP_SANITIZE=1 skips steps 4 and 5 (e.g. for a quick local run).
set -euo pipefail

# shellcheck source=deploy/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CTEST_JOBS=2
FAILED=()

# Debian packages only tests need: the Slurm array test (tests/integration/test_slurm_scan.py starts its own
# single-node cluster) and the reverse-proxy test (test_nginx_proxy.py runs deploy/nginx.conf.example).
# Installed when possible; if apt cannot, those tests report SKIP (exit 77) instead.
NR_TEST_PACKAGES=(slurm-wlm munge nginx openssl)

nr_ensure_test_packages() {
    nr_step "Checking the packages of the Slurm and nginx tests"
    local missing=() p
    for p in "${NR_TEST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        nr_info "present: ${NR_TEST_PACKAGES[*]}"
    elif [ "$(id -u)" -ne 0 ]; then
        nr_info "not root: cannot install ${missing[*]}; the tests needing them will be skipped"
    else
        { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } ||
            nr_info "apt-get could not install ${missing[*]}; the tests needing them will be skipped"
    fi
}

# run_ctest LABEL BUILD_DIR [CTEST_ARGS...]: runs ctest, prints its summary, records a failure.
run_ctest() {
    local label=$1 dir=$2
    shift 2
    nr_step "Running ${label} (ctest -j${CTEST_JOBS} in ${dir#"$NR_ROOT"/})"
    local start=$SECONDS
    if ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$CTEST_JOBS" "$@" </dev/null; then
        nr_info "${label}: passed in $((SECONDS - start)) s"
    else
        nr_info "${label}: FAILED after $((SECONDS - start)) s"
        FAILED+=("$label")
    fi
}

# run_fuzz: builds tests/fuzz/fuzz_request and runs it for a bounded time from the fixture corpus.
run_fuzz() {
    local dir=$NR_ROOT/build-fuzz seconds=${NUREACH_FUZZ_SECONDS:-20}
    nr_step "Fuzzing the request parser/validator for ${seconds} s (build-fuzz/, clang + libFuzzer)"
    if ! cmake -S "$NR_ROOT" -B "$dir" -DCMAKE_C_COMPILER=clang -DNUREACH_FUZZ=ON -DBUILD_TESTING=OFF \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ||
        ! cmake --build "$dir" -j "$(nr_jobs)" --target fuzz_request; then
        nr_info "fuzz build: FAILED"
        FAILED+=("the fuzz build")
        return
    fi
    local seeds=$dir/fuzz-seeds corpus=$dir/fuzz-corpus
    rm -rf "$seeds" && mkdir -p "$corpus"
    python3 "$NR_ROOT/tests/fuzz/make_corpus.py" "$seeds" >/dev/null
    if NUREACH_DATA_DIR=$NR_ROOT/data "$dir/tests/fuzz/fuzz_request" -max_total_time="$seconds" -max_len=4096 -artifact_prefix="$dir/" \
            "$corpus" "$seeds" >"$dir/fuzz.log" 2>&1; then
        nr_info "fuzz: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$dir/fuzz.log"), no failure"
    else
        tail -n 30 "$dir/fuzz.log"
        nr_info "fuzz: FAILED (the crashing input is build-fuzz/crash-*)"
        FAILED+=("the request fuzzer")
    fi
}

main() {
    local start=$SECONDS
    exec </dev/null
    nr_ensure_packages
    nr_ensure_test_packages
    nr_install_data
    nr_ensure_browser_tools
    nr_install_browser_deps

    nr_build "$NR_ROOT/build-test" -DCMAKE_BUILD_TYPE=Release -DNUREACH_WERROR=ON
    run_ctest "the test suite" "$NR_ROOT/build-test"

    if [ "${NUREACH_SKIP_SANITIZE:-0}" = 1 ]; then
        nr_step "Skipping the sanitizer build (NUREACH_SKIP_SANITIZE=1)"
    else
        nr_build "$NR_ROOT/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNUREACH_WERROR=ON \
            -DNUREACH_SANITIZE=ON
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
            run_ctest "the unit tests under ASan+UBSan" "$NR_ROOT/build-asan" -L unit
        # the daemon itself under the sanitizers: every request fixture (every model, every error class) and the
        # malformed-HTTP cases over real HTTP (the other integration tests time cold computations, too slow here)
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
            run_ctest "the request fixtures and HTTP framing against the ASan+UBSan daemon" "$NR_ROOT/build-asan" \
            -L integration -R 'integration_test_(fixtures|http_framing)$'
        run_fuzz
    fi

    nr_step "Done in $((SECONDS - start)) s"
    if [ "${#FAILED[@]}" -gt 0 ]; then
        printf 'FAILED: %s\n' "${FAILED[@]}" >&2
        exit 1
    fi
    nr_info "all tests passed"
}

main "$@"
