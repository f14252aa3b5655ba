#!/usr/bin/env bash
# Build the one-folder desktop app with PyInstaller and prove the frozen app starts:
#   1. `CareCoord --version` prints the version with no display at all;
#   2. `CareCoord --demo` on Qt's offscreen platform creates a demo practice, reaches the
#      sign-in window and quits cleanly (exit 0, its throwaway demo folder removed).
# Prints the folder size and the time from launch to the sign-in window; the last line is
# machine-readable. Needs PyInstaller in the active environment: pip install -e ".[build]".
#   tools/smoke_frozen.sh            build into dist/ and check
#   tools/smoke_frozen.sh --no-build check an existing dist/CareCoord
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-$(command -v python3)}"
[[ -x .venv/bin/python ]] && python="${PYTHON:-.venv/bin/python}"
dist="${DIST_DIR:-$root/dist}"
work="${WORK_DIR:-$root/build/pyinstaller}"
app="$dist/CareCoord/CareCoord"

fail() { echo "smoke_frozen: FAIL: $*" >&2; exit 1; }

if [[ "${1:-}" != "--no-build" ]]; then
    "$python" -m PyInstaller --version >/dev/null 2>&1 \
        || fail "PyInstaller is not installed here: pip install -e \".[build]\""
    echo "Building $dist/CareCoord ..."
    "$python" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$dist" --workpath "$work" build.spec
fi
[[ -x "$app" ]] || fail "$app was not built"

# 1. --version: no DISPLAY, no Qt platform at all.
version="$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$app" --version 2>&1)" \
    || fail "CareCoord --version exited with an error: $version"
expected="$("$python" -c 'import carecoord_desktop as c; print(c.__version__)')"
[[ "$version" == *"$expected"* ]] || fail "--version printed '$version', expected $expected"
echo "ok: CareCoord --version -> $version"

# 2. Offscreen start on a throwaway demo practice, to the sign-in window and out.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
start_ns="$(date +%s%N)"
env -u DISPLAY TMPDIR="$tmp" QT_QPA_PLATFORM=offscreen HOME="$tmp" \
    timeout 300 "$app" --demo --patients 50 --smoke-test >"$tmp/stdout.txt" 2>"$tmp/stderr.txt" &
pid=$!
shown_ns=""
while kill -0 "$pid" 2>/dev/null; do  # note the moment the app reports the sign-in window
    if [[ -z "$shown_ns" ]] && grep -q "sign-in window shown" "$tmp/stdout.txt"; then
        shown_ns="$(date +%s%N)"
    fi
    sleep 0.05
done
set +e
wait "$pid"
code=$?
set -e
out="$(cat "$tmp/stdout.txt")"
[[ -n "$shown_ns" ]] || shown_ns="$(date +%s%N)"  # it quit between two looks
[[ $code -eq 0 ]] || fail "the frozen app exited with $code: $(cat "$tmp/stderr.txt")"
[[ "$out" == *"sign-in window shown"* ]] \
    || fail "the sign-in window was never shown: $out $(cat "$tmp/stderr.txt")"
if compgen -G "$tmp/carecoord-demo-*" >/dev/null; then
    fail "the throwaway demo folder was left behind"
fi
if grep -q "Traceback" "$tmp/stderr.txt"; then
    fail "a traceback was printed: $(cat "$tmp/stderr.txt")"
fi
echo "ok: offscreen demo start reached the sign-in window and quit cleanly ($out)"

size_mb="$(du -sm "$dist/CareCoord" | cut -f1)"
launch_s="$(awk -v a="$start_ns" -v b="$shown_ns" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
inapp_s="$(sed -n 's/.*shown after \([0-9.]*\) s.*/\1/p' <<<"$out")"
echo "folder: $dist/CareCoord, ${size_mb} MB"
echo "launch to sign-in window: ${launch_s} s (from main(): ${inapp_s} s; includes creating a 50-patient demo)"
echo "{\"ok\": true, \"folder_mb\": $size_mb, \"launch_to_sign_in_s\": $launch_s, \"main_to_sign_in_s\": $inapp_s}"
