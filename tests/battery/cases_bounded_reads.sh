# Battery cases for issue 21, §3 and §4: what was checked is what is used; every read is bounded and
# never blocks on a non-file. Sourced by run.sh after its own cases (it needs run.sh's helpers: case_err,
# case_ok, record, has_trace, leftover_tmps, free_port, and S, LOGS, CLI, WEB, WEBDLL, NOWHERE, BG_PIDS).
# Every bad path here is a FIFO (reading it would block for ever), /dev/zero (endless), a file over its
# limit, a link loop, or an upload whose decoded size is huge; each must be refused quickly, naming the
# file (or setting) at fault.

B=$S/c/bounded
mkdir -p "$B"

# --- helpers -----------------------------------------------------------------------------------------
# bounded_data_dir NAME: a data.directory holding copies of the four verified MNIST files.
bounded_data_dir() { mkdir -p "$B/$1"; cp "$S"/data/mnist/*-ubyte "$B/$1/"; echo "$B/$1"; }

# bounded_png FILE SIDE: a SIDE×SIDE 8-bit gray PNG (left half black, right half white), small to send.
bounded_png() {
    python3 - "$1" "$2" <<'EOF'
import struct, sys, zlib
path, side = sys.argv[1], int(sys.argv[2])
def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
row = b"\x00" + b"\x00" * (side // 2) + b"\xff" * (side - side // 2)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(row * side, 9)) + chunk(b"IEND", b"")
open(path, "wb").write(png)
EOF
}

# bounded_case_ok_check NAME WHAT CHECK -- COMMAND...: like case_ok, and then CHECK (a shell command,
# described by WHAT) must succeed too; exit 0 with a failing CHECK is a silent wrong result.
bounded_case_ok_check() {
    local name=$1 what=$2 check=$3; shift 4
    local out=$LOGS/$name.out err=$LOGS/$name.err rc tmps
    printf '%q ' "$@" >"$LOGS/$name.cmd"
    { timeout -k 5 60 "$@" >"$out" 2>"$err" </dev/null; } 2>/dev/null
    rc=$?
    echo "$rc" >"$LOGS/$name.rc"
    tmps=$(leftover_tmps)
    if [[ $rc == 134 || $rc == 139 ]] || has_trace "$out" "$err"; then record "$name" crash "exit $rc, stack trace or abort"
    elif [[ $rc == 124 || $rc == 137 ]]; then record "$name" hang "no answer within 60s"
    elif [[ -n $tmps ]]; then record "$name" partial "exit $rc, temp left: $(tr '\n' ' ' <<<"$tmps")"
    elif [[ $rc != 0 ]]; then record "$name" ok-failed "expected success, exit $rc: $(error_block "$err" | head -n1 | cut -c1-100)"
    elif ! bash -c "$check" >>"$out" 2>&1; then record "$name" silent "exit 0, but not $what: $(tail -n1 "$out" | cut -c1-80)"
    else record "$name" ok "succeeded, and $what"; fi
}

# --- configuration -----------------------------------------------------------------------------------
mkfifo "$B/fifo.yaml"
truncate -s 2M "$B/huge.yaml"
case_err br-cfg-fifo         "$B/fifo.yaml" --timeout 30 -- "${CLI[@]}" config --config "$B/fifo.yaml"
case_err br-cfg-dev-zero     "/dev/zero"    --timeout 30 -- "${CLI[@]}" config --config /dev/zero
case_err br-cfg-oversize     "huge.yaml"    --timeout 30 -- "${CLI[@]}" config --config "$B/huge.yaml"

# --- IDX data ----------------------------------------------------------------------------------------
d=$(bounded_data_dir idx-fifo); rm "$d/t10k-labels-idx1-ubyte"; mkfifo "$d/t10k-labels-idx1-ubyte"
case_err br-idx-cached-fifo  "t10k-labels-idx1-ubyte" --timeout 30 -- "${CLI[@]}" fetch --set data.directory="$d" --set "$NOWHERE"
d=$(bounded_data_dir idx-zero); rm "$d/t10k-labels-idx1-ubyte"; ln -s /dev/zero "$d/t10k-labels-idx1-ubyte"
case_err br-idx-cached-dev-zero "t10k-labels-idx1-ubyte" --timeout 30 -- "${CLI[@]}" fetch --set data.directory="$d" --set "$NOWHERE"
src=$(bounded_data_dir idx-src-fifo); rm "$src/t10k-labels-idx1-ubyte"; mkfifo "$src/t10k-labels-idx1-ubyte"; mkdir -p "$B/idx-empty"
case_err br-idx-source-fifo  "t10k-labels-idx1-ubyte" --timeout 30 --absent "$B/idx-empty/t10k-labels-idx1-ubyte" -- \
    "${CLI[@]}" fetch --set data.directory="$B/idx-empty" --set "data.sources=[{kind: directory, path: \"$src\"}]"

# --- checkpoints -------------------------------------------------------------------------------------
mkfifo "$B/checkpoint.fifo"
case_err br-export-ck-fifo   "checkpoint.fifo" --timeout 30 --absent "$B/out-fifo/*" -- \
    "${CLI[@]}" export --checkpoint "$B/checkpoint.fifo" --set export.directory="$B/out-fifo"
case_err br-export-ck-dev-zero "/dev/zero"     --timeout 30 --absent "$B/out-zero/*" -- \
    "${CLI[@]}" export --checkpoint /dev/zero --set export.directory="$B/out-zero"
mkdir -p "$B/runs-fifo/nobn"; mkfifo "$B/runs-fifo/nobn/checkpoint.bin"
case_err br-resume-ck-fifo   "checkpoint.bin"  --timeout 60 -- \
    "${CLI[@]}" train "${TINY[@]}" --variant nobn --set training.epochs=2 --set training.output_directory="$B/runs-fifo" --resume

# --- predict (the library's reads) -------------------------------------------------------------------
mkfifo "$B/f.png" "$B/model.fifo"
bounded_png "$B/good.png" 28
case_err br-predict-fifo     "$B/f.png"        --timeout 30 -- "${CLI[@]}" predict "$B/f.png"
case_err br-predict-dev-zero "/dev/zero"       --timeout 30 -- "${CLI[@]}" predict /dev/zero
case_err br-model-fifo       "model.fifo"      --timeout 30 -- "${CLI[@]}" predict --model "$B/model.fifo" "$B/good.png"

# --- evaluate --images-dir ---------------------------------------------------------------------------
# A FIFO or /dev/zero among the images: a bad item (exit 1, the summary names the folder), never a hang.
mkdir -p "$B/ev-fifo/1" "$B/ev-zero/1" "$B/ev-loop/3"
cp "$B/good.png" "$B/ev-fifo/1/a.png"; mkfifo "$B/ev-fifo/1/b.png"
cp "$B/good.png" "$B/ev-zero/1/a.png"; ln -s /dev/zero "$B/ev-zero/1/b.png"
case_err br-eval-dir-fifo     "$B/ev-fifo" --timeout 60 -- "${CLI[@]}" evaluate --images-dir "$B/ev-fifo" --set report.directory="$B/r-fifo"
case_err br-eval-dir-dev-zero "$B/ev-zero" --timeout 60 -- "${CLI[@]}" evaluate --images-dir "$B/ev-zero" --set report.directory="$B/r-zero"
# A link loop inside a label folder: the one image is scored once, not once per trip round the loop.
cp "$B/good.png" "$B/ev-loop/3/a.png"; ln -s . "$B/ev-loop/3/loop"; ln -s .. "$B/ev-loop/3/up"
bounded_case_ok_check br-eval-dir-symlink-loop "the image was scored once" \
    "python3 -c 'import json,sys; c=json.load(open(\"$B/r-loop/evaluation-lenet-bn-folder.json\"))[\"metrics\"][\"count\"]; sys.exit(0 if c == 1 else print(\"count\", c) or 1)'" -- \
    "${CLI[@]}" evaluate --images-dir "$B/ev-loop" --set report.directory="$B/r-loop"

# --- web app: decoded size bound, memory, slow client ------------------------------------------------
if [[ -f $WEBDLL ]]; then
    bounded_png "$B/huge.png" 4096
    WBP=$(free_port)
    "${WEB[@]}" --WebApp:Port="$WBP" --Logging:LogLevel:Default=Information >"$LOGS/br-web.out" 2>"$LOGS/br-web.err" </dev/null &
    WBPID=$!; BG_PIDS+=("$WBPID")
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$WBP/healthz" && break; kill -0 "$WBPID" 2>/dev/null || break; sleep 0.1; done
    if curl -s -o /dev/null "http://127.0.0.1:$WBP/healthz"; then
        # One 4096×4096 PNG (a few KB): refused from its header with 413, naming the setting.
        code=$(curl -s -o "$LOGS/br-web-huge.body" -w '%{http_code}' -H 'Content-Type: image/png' --data-binary @"$B/huge.png" "http://127.0.0.1:$WBP/predict")
        if [[ $code == 413 ]] && grep -q 'MaxImagePixels' "$LOGS/br-web-huge.body"; then record br-web-huge-png clear "413: $(cut -c1-100 "$LOGS/br-web-huge.body")"
        elif [[ $code == 200 ]]; then record br-web-huge-png silent "200: a 4096×4096 picture was decoded"
        else record br-web-huge-png unclear "HTTP $code: $(cut -c1-100 "$LOGS/br-web-huge.body")"; fi

        # Forty at once: the process's peak resident memory stays far below what forty decodes would take (GBs).
        uploads=()
        for _ in $(seq 40); do
            curl -s -o /dev/null -H 'Content-Type: image/png' --data-binary @"$B/huge.png" "http://127.0.0.1:$WBP/predict" &
            uploads+=($!)
        done
        wait "${uploads[@]}" 2>/dev/null
        hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$WBPID/status" 2>/dev/null)
        if [[ -z $hwm ]]; then record br-web-40-huge-pngs unclear "the web app is gone (see $LOGS/br-web.err)"
        elif ((hwm < 600)); then record br-web-40-huge-pngs clear "peak resident memory ${hwm} MB after 40 concurrent 4096×4096 uploads"
        else record br-web-40-huge-pngs silent "peak resident memory ${hwm} MB after 40 concurrent 4096×4096 uploads"; fi

        # A body sent at 1 byte/s: Kestrel answers 408; the log has one information line, no error, no trace.
        status=$(python3 - "$WBP" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 10000\r\n\r\n")
s.settimeout(1)
for _ in range(20):
    try:
        data = s.recv(100)
        print(data.split(b"\r\n")[0].decode()); break
    except socket.timeout:
        try: s.sendall(b"\0")
        except OSError: pass
    except OSError as e:
        print("closed:", e); break
EOF
)
        sleep 0.5
        if has_trace "$LOGS/br-web.out" "$LOGS/br-web.err" || grep -q '^fail:' "$LOGS/br-web.out" "$LOGS/br-web.err"; then
            record br-web-slow-body-408 crash "a 'fail' log entry or stack trace for a slow client ($status)"
        elif [[ $status == "HTTP/1.1 408"* ]] && grep -q 'answered 408' "$LOGS/br-web.out"; then
            record br-web-slow-body-408 clear "$status; logged: $(grep -h 'answered 408' "$LOGS/br-web.out" | head -n1 | sed 's/^ *//' | cut -c1-80)"
        else record br-web-slow-body-408 unclear "answer '$status', no 'answered 408' log line"; fi
    else
        case_setup_failed br-web "the web app never answered on port $WBP (see $LOGS/br-web.err)"
    fi
    kill "$WBPID" 2>/dev/null; wait "$WBPID" 2>/dev/null
fi
