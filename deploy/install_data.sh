#!/usr/bin/env bash
# deploy/install_data.sh [DEST]: installs the reference data (default DEST: <repo>/data).
#
# Source: ../shared/data beside the repository when it exists (every development and CI machine),
# else each file is downloaded from its repository at the pinned commit, as listed in
# deploy/data-manifest.tsv (the pinned sources and sha256 of shared/data/MANIFEST.tsv); files that exist
# only as arrays inside a source file (source_path 'SOURCE|EXTRACTOR', e.g. ForwardCharm's Code.py) are
# regenerated from SOURCE, downloaded once, by deploy/EXTRACTOR (python3; parses, never runs it). Every file's
# sha256 is checked; a missing or corrupt file stops the install with its name. DEST/MANIFEST.tsv is
# written byte-identical to shared/data/MANIFEST.tsv: the daemon verifies the files it lists and uses
# its digest as the data version. Re-runs are fast: files whose sha256 already matches are skipped.
#
# Environment (for tests and unusual set-ups):
#   NUREACH_SHARED_DATA   local source folder (default: <repo>/../shared/data, or for a clone of a
#                         local checkout <origin>/../shared/data); a missing folder selects the download
#   NUREACH_DATA_BASE_URL download base (default https://raw.githubusercontent.com); the file URL is
#                         BASE/REPO/COMMIT/SOURCE_PATH, so a file:// mirror works too
#   NUREACH_DATA_ONLY     extended regex: install and check only the manifest paths matching it
set -euo pipefail

# shellcheck source=deploy/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEST=${1:-$NR_ROOT/data}

# The local data folder: NUREACH_SHARED_DATA, else shared/data beside this checkout, else beside the
# checkout it was cloned from (a fresh `git clone /path/to/repo` sits elsewhere, e.g. in /tmp).
find_shared() {
    if [ -n "${NUREACH_SHARED_DATA:-}" ]; then
        echo "$NUREACH_SHARED_DATA"
        return
    fi
    local origin
    origin=$(git -C "$NR_ROOT" config --get remote.origin.url 2>/dev/null || true)
    origin=${origin#file://}
    origin=${origin%/}
    origin=${origin%/.git}
    if [ ! -f "$NR_ROOT/../shared/data/MANIFEST.tsv" ] && [ "${origin#/}" != "$origin" ] &&
        [ -f "$origin/../shared/data/MANIFEST.tsv" ]; then
        echo "$origin/../shared/data"
        return
    fi
    echo "$NR_ROOT/../shared/data"
}
SHARED=$(find_shared)
BASE_URL=${NUREACH_DATA_BASE_URL:-https://raw.githubusercontent.com}
ONLY=${NUREACH_DATA_ONLY:-}
OUR_MANIFEST=$NR_ROOT/deploy/data-manifest.tsv

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Our manifest without its comment lines and its source_path column: shared's MANIFEST.tsv, byte for byte.
pristine_manifest() { grep -v '^#' "$OUR_MANIFEST" | cut -f1-7; }

# Rows to install, as "path<TAB>sha256<TAB>source<TAB>extractor" where source is a local file or a URL
# ('-' if none) and extractor the deploy/ script that regenerates the file from source ('-': source is the
# file itself). $1: 'local' or 'download'.
work_list() {
    awk -F'\t' -v mode="$1" -v shared="$SHARED" -v base="$BASE_URL" -v only="$ONLY" '
        /^#/ || $1 == "path" || NF < 7 { next }
        only != "" && $1 !~ only { next }
        {
            src = "-"; extractor = "-"
            if (mode == "local") src = shared "/" $1
            else if (NF >= 8 && $8 != "-") {
                source_path = $8
                if (split($8, part, "|") == 2) { source_path = part[1]; extractor = part[2] }
                src = base "/" $4 "/" $5 "/" source_path
            }
            print $1 "\t" $2 "\t" src "\t" extractor
        }' "$2"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# fetch SOURCE OUT: copies a local file or downloads a URL into OUT.
fetch() {
    case $1 in
        -) return 1 ;;
        *://*) curl --fail --silent --show-error --location --retry 3 --retry-delay 2 \
                    --connect-timeout 20 --max-time 300 -o "$2" "$1" ;;
        *) cp "$1" "$2" ;;
    esac
}

# extract_all SOURCE EXTRACTOR DIR: downloads SOURCE once into DIR and runs deploy/EXTRACTOR on it, which
# writes its files into DIR/out; DIR/failed holds the reason when nothing could be extracted. Runs once
# per (SOURCE, EXTRACTOR): the later rows find DIR/done (install_one runs in a subshell, so files, not
# variables, carry the state).
extract_all() {
    local src=$1 extractor=$2 dir=$3
    mkdir -p "$dir/out"
    if [ ! -f "$NR_ROOT/deploy/$extractor" ]; then
        echo "missing extractor deploy/$extractor" >"$dir/failed"
    elif ! command -v python3 >/dev/null 2>&1; then
        echo "python3 not found (needed by deploy/$extractor to regenerate this file from $src)" >"$dir/failed"
    elif ! fetch "$src" "$dir/source" 2>"$dir/err"; then
        echo "cannot fetch $src: $(tail -n 1 "$dir/err")" >"$dir/failed"
    else
        # Exit status 1 = some files not extracted; they are missing from DIR/out, reasons in DIR/err.
        python3 "$NR_ROOT/deploy/$extractor" "$dir/source" "$dir/out" 2>"$dir/err" || true
    fi
    touch "$dir/done"
}

# regenerate SOURCE EXTRACTOR NAME OUT: copies file NAME regenerated by deploy/EXTRACTOR from SOURCE to OUT.
regenerate() {
    local src=$1 extractor=$2 name=$3 out=$4 dir why
    dir="$WORK/extract/$(printf '%s %s' "$extractor" "$src" | sha256sum | cut -c1-16)"
    [ -f "$dir/done" ] || extract_all "$src" "$extractor" "$dir"
    [ ! -s "$dir/failed" ] || { cat "$dir/failed"; return 1; }
    if [ ! -f "$dir/out/$name" ]; then
        why=$(grep -F ": $name: " "$dir/err" | tail -n 1 || true)
        [ -n "$why" ] || why=$(tail -n 1 "$dir/err")
        echo "deploy/$extractor did not regenerate it from $src: ${why:-no reason given}"
        return 1
    fi
    cp "$dir/out/$name" "$out"
}

# install_one PATH SHA256 SOURCE EXTRACTOR: puts one verified file at DEST/PATH; prints a reason and fails
# otherwise.
install_one() {
    local path=$1 sha=$2 src=$3 extractor=$4 tmp
    [ "$src" != "-" ] || { echo "not downloadable (extracted from a source file; needs ../shared/data)"; return 1; }
    tmp="$WORK/file"
    if [ "$extractor" != "-" ]; then
        regenerate "$src" "$extractor" "$(basename "$path")" "$tmp" || return 1
        [ "$(sha256_of "$tmp")" = "$sha" ] ||
            { echo "sha256 mismatch for $(basename "$path") regenerated by deploy/$extractor from $src"; return 1; }
    else
        fetch "$src" "$tmp" 2>"$WORK/err" || { echo "cannot fetch $src: $(tail -n 1 "$WORK/err")"; return 1; }
        [ "$(sha256_of "$tmp")" = "$sha" ] || { echo "sha256 mismatch for $src"; return 1; }
    fi
    mkdir -p "$(dirname "$DEST/$path")"
    install -m 0644 "$tmp" "$DEST/$path.partial"
    mv -f "$DEST/$path.partial" "$DEST/$path"
}

choose_source() {
    if [ -f "$SHARED/MANIFEST.tsv" ]; then
        MODE=local
        MANIFEST=$SHARED/MANIFEST.tsv
        if ! pristine_manifest | cmp -s - "$MANIFEST"; then
            nr_warn "$MANIFEST differs from deploy/data-manifest.tsv: using shared's list;" \
                    "refresh deploy/data-manifest.tsv so downloads stay in step"
        fi
        nr_info "source: $(cd "$SHARED" && pwd) (local copy)"
    else
        MODE=download
        MANIFEST=$WORK/MANIFEST.tsv
        pristine_manifest >"$MANIFEST"
        nr_info "source: $BASE_URL (no $SHARED; downloading the pinned files)"
    fi
}

install_all() {
    local path sha src extractor reason
    : >"$WORK/failed"
    COPIED=0 SKIPPED=0
    while IFS=$'\t' read -r path sha src extractor; do
        if [ -f "$DEST/$path" ] && [ "$(sha256_of "$DEST/$path")" = "$sha" ]; then
            SKIPPED=$((SKIPPED + 1))
            continue
        fi
        if reason=$(install_one "$path" "$sha" "$src" "$extractor"); then
            COPIED=$((COPIED + 1))
        else
            printf '%s: %s\n' "$path" "$reason" >>"$WORK/failed"
        fi
    done <"$WORK/list"
}

# The final check, independent of how each file got there: every listed file present with its sha256.
verify_all() {
    awk -F'\t' '{ print $2 "  " $1 }' "$WORK/list" >"$WORK/sums"
    (cd "$DEST" && sha256sum --check --quiet "$WORK/sums") >"$WORK/verify" 2>&1
}

install_docs() {
    [ "$MODE" = local ] || return 0
    local doc
    # limits/*/labels.tsv: where FORESEE puts each outline's label (from its notebooks, so not in the
    # manifest of pinned files); the daemon serves the outlines without labels when they are missing.
    for doc in "$SHARED"/README.md "$SHARED"/*/PROVENANCE.txt "$SHARED"/limits/*/labels.tsv; do
        [ -f "$doc" ] || continue
        mkdir -p "$DEST/$(dirname "${doc#"$SHARED"/}")"
        install -m 0644 "$doc" "$DEST/${doc#"$SHARED"/}"
    done
}

main() {
    [ -f "$OUR_MANIFEST" ] || nr_die "missing $OUR_MANIFEST"
    mkdir -p "$DEST"
    choose_source
    # The download URLs need our manifest's source_path column; a local copy follows shared's list.
    if [ "$MODE" = local ]; then work_list local "$MANIFEST"; else work_list download "$OUR_MANIFEST"; fi >"$WORK/list"
    local n
    n=$(wc -l <"$WORK/list")
    [ "$n" -gt 0 ] || nr_die "no manifest rows selected${ONLY:+ by NUREACH_DATA_ONLY=$ONLY}"
    [ -z "$ONLY" ] || nr_warn "NUREACH_DATA_ONLY=$ONLY: installing $n of the manifest's files only"

    install_all
    if [ -s "$WORK/failed" ]; then
        sed 's/^/    /' "$WORK/failed" >&2
        nr_die "$(wc -l <"$WORK/failed") of $n data files could not be installed into $DEST (listed above)"
    fi
    if ! verify_all; then
        sed 's/^/    /' "$WORK/verify" >&2
        nr_die "data check failed in $DEST: the files above are missing or corrupt"
    fi
    install -m 0644 "$MANIFEST" "$DEST/MANIFEST.tsv"
    install_docs
    chmod -R u+w "$DEST"
    nr_info "$n files verified (sha256) in $DEST: $COPIED installed, $SKIPPED already up to date"
}

main
