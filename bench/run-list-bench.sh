#!/usr/bin/env bash
# Listing benchmark: `bucketflow list` at several parallelisms against sequential ListObjectsV2
# pagers (boto3's paginator, `aws s3api list-objects-v2`), all against one fake S3 endpoint on
# 127.0.0.1 that answers every request after a fixed latency (default 80 ms). Writes a markdown
# report (default bench/RESULTS.md). Not a test; CI does not run it. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
COMMAND_LINE="bench/run-list-bench.sh$(printf ' %q' "$@")"

KEYS=1000000
LATENCY_MS=80
LAYOUTS="flat foldered"
PARALLELISMS="1 8 32"
PEERS="boto3 awscli"
RUN_BUCKETFLOW=1
FOLDERS=1000
TOP_FOLDERS=10
TIMEOUT_S=1800
RESULTS="$BENCH_DIR/RESULTS.md"
WORK_DIR="$BENCH_DIR/out"
BUCKETFLOW="$REPO_DIR/bin/bucketflow"
SYSTEM_PYTHON=/usr/bin/python3
SYSTEM_AWS=/usr/bin/aws
GNU_TIME=/usr/bin/time

usage() {
    cat <<EOF
Usage: bench/run-list-bench.sh [options]
  --keys N              keys per layout (default $KEYS)
  --quick               same as --keys 50000
  --latency-ms MS       per-request latency of the fake endpoint (default $LATENCY_MS)
  --layouts "L ..."     layouts to list, from: flat foldered (default "$LAYOUTS")
  --parallelism "N ..." bucketflow parallelisms (default "$PARALLELISMS")
  --peers "P ..."       sequential pagers, from: boto3 awscli (default "$PEERS"); "" for none
  --peers-only          do not run bucketflow (its rows say "not measured")
  --folders N           leaf folders of the foldered layout (default $FOLDERS)
  --top-folders N       first-level folders of the foldered layout (default $TOP_FOLDERS)
  --timeout-s S         give up on one listing after S seconds (default $TIMEOUT_S)
  --bucketflow PATH     the bucketflow launcher (default bin/bucketflow)
  --results FILE        report to write (default bench/RESULTS.md)
  --work-dir DIR        scratch directory for outputs and logs (default bench/out)
EOF
}

die() {
    echo "run-list-bench: $*" >&2
    exit 2
}

need_value() {
    [[ $# -ge 2 ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) need_value "$@"; KEYS=$2; shift 2 ;;
        --quick) KEYS=50000; shift ;;
        --latency-ms) need_value "$@"; LATENCY_MS=$2; shift 2 ;;
        --layouts) need_value "$@"; LAYOUTS=$2; shift 2 ;;
        --parallelism) need_value "$@"; PARALLELISMS=$2; shift 2 ;;
        --peers) need_value "$@"; PEERS=$2; shift 2 ;;
        --peers-only) RUN_BUCKETFLOW=0; shift ;;
        --folders) need_value "$@"; FOLDERS=$2; shift 2 ;;
        --top-folders) need_value "$@"; TOP_FOLDERS=$2; shift 2 ;;
        --timeout-s) need_value "$@"; TIMEOUT_S=$2; shift 2 ;;
        --bucketflow) need_value "$@"; BUCKETFLOW=$2; shift 2 ;;
        --results) need_value "$@"; RESULTS=$2; shift 2 ;;
        --work-dir) need_value "$@"; WORK_DIR=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

[[ $KEYS =~ ^[1-9][0-9]*$ ]] || die "--keys must be a positive integer, was '$KEYS'"
[[ $LATENCY_MS =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--latency-ms must be a number of milliseconds, was '$LATENCY_MS'"
[[ $TIMEOUT_S =~ ^[1-9][0-9]*$ ]] || die "--timeout-s must be a positive integer, was '$TIMEOUT_S'"
for layout in $LAYOUTS; do
    [[ $layout == flat || $layout == foldered ]] || die "unknown layout '$layout'; use flat and/or foldered"
done
for n in $PARALLELISMS; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "--parallelism wants positive integers, got '$n'"
done
for peer in $PEERS; do
    [[ $peer == boto3 || $peer == awscli ]] || die "unknown peer '$peer'; use boto3 and/or awscli"
done

# --- Peers and tools: Debian's packages, used by absolute path (a pyenv `aws` shim on PATH may
# --- not have awscli behind it).
install_missing_packages() {
    local missing=()
    [[ -x $GNU_TIME ]] || missing+=(time)
    command -v curl >/dev/null || missing+=(curl)
    [[ -x $SYSTEM_PYTHON ]] || missing+=(python3)
    if [[ " $PEERS " == *" boto3 "* ]] && ! { [[ -x $SYSTEM_PYTHON ]] && $SYSTEM_PYTHON -c 'import boto3' 2>/dev/null; }; then
        missing+=(python3-boto3)
    fi
    if [[ " $PEERS " == *" awscli "* ]] && [[ ! -x $SYSTEM_AWS ]]; then
        missing+=(awscli)
    fi
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $(id -u) -eq 0 ]] || die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
    echo "Installing ${missing[*]} with apt-get ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
install_missing_packages

mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
RUNS_TSV="$WORK_DIR/runs.tsv"
SERVER_LOG="$WORK_DIR/fake-s3-server.log"
PORT_FILE="$WORK_DIR/fake-s3-server.port"
rm -f "$PORT_FILE"

# Dummy credentials and an isolated AWS configuration for every client: the endpoint does not
# check signatures, and nothing may wander off to a real account or the instance metadata service.
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3

# --- The fake endpoint.
SERVER_PID=
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

bucket_args=()
for layout in $LAYOUTS; do
    bucket_args+=(--bucket "bench-$layout=$layout")
done
echo "Starting the fake S3 endpoint ($KEYS keys per layout, ${LATENCY_MS} ms per request) ..." >&2
$SYSTEM_PYTHON "$BENCH_DIR/fake_s3_list_server.py" "${bucket_args[@]}" --keys "$KEYS" \
    --folders "$FOLDERS" --top-folders "$TOP_FOLDERS" --latency-ms "$LATENCY_MS" \
    --port-file "$PORT_FILE" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
deadline=$((SECONDS + 120))
while [[ ! -s $PORT_FILE ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "the fake S3 endpoint exited; see $SERVER_LOG"
    ((SECONDS < deadline)) || die "the fake S3 endpoint did not start within 120 s; see $SERVER_LOG"
    sleep 0.2
done
ENDPOINT="http://127.0.0.1:$(cat "$PORT_FILE")"
echo "Fake S3 endpoint at $ENDPOINT" >&2

stats_reset() {
    curl -sf -X POST "$ENDPOINT/__stats/reset" >/dev/null
}

# Prints the endpoint's counters as tab-separated fields (see STATS_COLUMNS) and resets them.
stats_take() {
    curl -sf -X POST "$ENDPOINT/__stats/reset" | $SYSTEM_PYTHON -c '
import json, sys
s = json.load(sys.stdin)
fields = [s["requests"], s["by_operation"].get("ListObjectsV2", 0), s["errors"], s["peak_in_flight"],
          s["first_request_after_reset_s"], s["first_to_last_response_s"], s["server_cpu_s"]]
print("\t".join("" if f is None else (f"{f:.3f}" if isinstance(f, float) else str(f)) for f in fields))'
}

STATS_COLUMNS="requests\tlist_requests\terrors\tpeak_in_flight\tfirst_request_s\twindow_s\tserver_cpu_s"
TIME_COLUMNS="wall_s\tmax_rss_kb\tuser_s\tsys_s"
printf "layout\ttool\tparallelism\tstatus\texpected\tlisted\tdistinct\t%b\t%b\tnote\n" \
    "$TIME_COLUMNS" "$STATS_COLUMNS" >"$RUNS_TSV"

record() { # layout tool parallelism status expected listed distinct times stats note
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RUNS_TSV"
}

not_measured() { # layout tool parallelism note
    record "$1" "$2" "$3" "not measured" "$KEYS" "" "" $'\t\t\t' $'\t\t\t\t\t\t' "$4"
}

# Runs one listing under GNU time with a timeout; sets RUN_STATUS, RUN_TIMES (TIME_COLUMNS) and
# RUN_STATS (STATS_COLUMNS).
timed_run() { # name stdout-file command...
    local name=$1 stdout_file=$2
    shift 2
    local time_file="$WORK_DIR/$name.time" stderr_file="$WORK_DIR/$name.stderr"
    echo "  $name: $*" >&2
    stats_reset
    RUN_STATUS=ok
    if ! timeout -k 10 "$TIMEOUT_S" "$GNU_TIME" -f '%e %M %U %S' -o "$time_file" "$@" \
            >"$stdout_file" 2>"$stderr_file"; then
        RUN_STATUS="failed (see $stderr_file)"
    fi
    RUN_STATS=$(stats_take)
    RUN_TIMES=$(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$time_file" | tail -1 | tr ' ' '\t' || true)
    [[ -n $RUN_TIMES ]] || RUN_TIMES=$'\t\t\t'
}

check_count() { # listed distinct -> adjusts RUN_STATUS
    if [[ $RUN_STATUS == ok && ( $1 != "$KEYS" || ( -n $2 && $2 != "$KEYS" ) ) ]]; then
        RUN_STATUS="WRONG COUNT"
    fi
}

bucketflow_missing_reason() {
    if [[ $RUN_BUCKETFLOW -eq 0 ]]; then
        echo "not measured yet (peers-only run)"
    elif [[ ! -x $BUCKETFLOW ]]; then
        echo "not measured: no executable $BUCKETFLOW"
    elif ! compgen -G "$REPO_DIR/job/target/*.jar" >/dev/null; then
        echo "not measured: the job jar is not built (./mvnw -B -q install -DskipTests)"
    fi
}
BUCKETFLOW_MISSING=$(bucketflow_missing_reason)

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for layout in $LAYOUTS; do
    bucket="bench-$layout"
    prefix="$layout/"
    echo "Layout $layout: s3://$bucket/$prefix" >&2
    for peer in $PEERS; do
        name="$layout-$peer"
        out="$WORK_DIR/$name.out"
        case $peer in
            boto3)
                timed_run "$name" "$out" $SYSTEM_PYTHON "$BENCH_DIR/peers/boto3_pager.py" \
                    --endpoint-url "$ENDPOINT" --bucket "$bucket" --prefix "$prefix"
                listed=$(tail -1 "$out" | tr -dc '0-9')
                distinct=
                ;;
            awscli)
                # One line of tab-separated keys per page; the CLI pages through the whole listing.
                timed_run "$name" "$out" $SYSTEM_AWS s3api list-objects-v2 --bucket "$bucket" \
                    --prefix "$prefix" --endpoint-url "$ENDPOINT" --query 'Contents[].Key' --output text
                listed=$(tr -s '\t' '\n' <"$out" | grep -cv -e '^$' -e '^None$' || true)
                distinct=$( (tr -s '\t' '\n' <"$out" | grep -v -e '^$' -e '^None$' || true) | sort -u | wc -l)
                ;;
        esac
        check_count "$listed" "$distinct"
        record "$layout" "$peer" 1 "$RUN_STATUS" "$KEYS" "${listed:-0}" "$distinct" "$RUN_TIMES" \
            "$RUN_STATS" ""
    done
    for n in $PARALLELISMS; do
        if [[ -n $BUCKETFLOW_MISSING ]]; then
            not_measured "$layout" bucketflow "$n" "$BUCKETFLOW_MISSING"
            continue
        fi
        name="$layout-bucketflow-p$n"
        output_dir="$WORK_DIR/$name"
        rm -rf "$output_dir"
        timed_run "$name" "$WORK_DIR/$name.stdout" "$BUCKETFLOW" list --bucket "$bucket" \
            --prefix "$prefix" --s3-endpoint "$ENDPOINT" --output "$output_dir" --parallelism "$n"
        # Finished part files only: hidden (in-progress) and marker files are not listings.
        part_files=()
        if [[ -d $output_dir ]]; then
            mapfile -d '' part_files < <(find "$output_dir" -type f ! -name '.*' ! -name '_*' -print0)
        fi
        if [[ ${#part_files[@]} -gt 0 ]]; then
            listed=$(cat "${part_files[@]}" | wc -l)
            distinct=$(cat "${part_files[@]}" | sort -u | wc -l)
        else
            listed=0
            distinct=0
        fi
        check_count "$listed" "$distinct"
        record "$layout" bucketflow "$n" "$RUN_STATUS" "$KEYS" "$listed" "$distinct" "$RUN_TIMES" \
            "$RUN_STATS" "${#part_files[@]} part files"
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

$SYSTEM_PYTHON "$BENCH_DIR/write_results.py" --runs "$RUNS_TSV" --results "$RESULTS" \
    --keys "$KEYS" --latency-ms "$LATENCY_MS" --folders "$FOLDERS" --top-folders "$TOP_FOLDERS" \
    --command "$COMMAND_LINE" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" \
    --python "$SYSTEM_PYTHON" --aws "$SYSTEM_AWS"
echo "Wrote $RESULTS" >&2

if grep -qE $'\t(WRONG COUNT|failed)' "$RUNS_TSV"; then
    echo "run-list-bench: some runs failed or listed the wrong number of keys; see $RESULTS" >&2
    exit 1
fi
