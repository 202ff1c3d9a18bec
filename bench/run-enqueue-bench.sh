#!/usr/bin/env bash
# Enqueue benchmark: `bucketflow enqueue` against the seed design (peers/seed_enqueue.py: one boto3
# pager thread, a channel, one sender thread of SendMessageBatch calls), each listing one prefix of
# the fake S3 endpoint (fake_s3_list_server.py, 100,000 keys by default) and sending one message per
# key to a fresh queue of ElasticMQ (servers/ElasticMqServer.java), all on 127.0.0.1. Two scenarios
# by default: loopback (S3 answers at once, SQS direct) and remote (S3 answers each request after
# 80 ms, SQS behind servers/ShapedLinkProxy.java adding 20 ms a round trip). After every run, outside
# the timed region, the queue must hold exactly one message per key (servers/SqsQueueTool.java
# receives them all). Writes a markdown report (default bench/RESULTS-enqueue.md). Not a test; CI
# does not run it. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
COMMAND_LINE="bench/run-enqueue-bench.sh"
[[ $# -eq 0 ]] || COMMAND_LINE+=$(printf ' %q' "$@")

KEYS=100000
LAYOUT=flat
SCENARIO=both
S3_LATENCY_MS=        # given: one "custom" scenario with this S3 latency (and --sqs-rtt-ms, default 0)
SQS_RTT_MS=
REMOTE_S3_LATENCY_MS=80
REMOTE_SQS_RTT_MS=20
LINK_MBPS=50
PARALLELISMS="default 4"
PEERS="seed ceiling"
RUN_BUCKETFLOW=1
CEILING_SENDERS=16
QUEUE_TYPE=standard
MESSAGE_FORMAT=
SQS_WARM_UP_MESSAGES=40000
CHECK_THREADS=8
CLASS_ARCHIVES=1
WARMUP_KEYS=100
TIMEOUT_S=          # default: 6 ms a key, at least 300 s
RESULTS="$BENCH_DIR/RESULTS-enqueue.md"
WORK_DIR="$BENCH_DIR/out/enqueue"
BUCKETFLOW="$REPO_DIR/bin/bucketflow"
BUCKET=bench-enqueue
REGION=us-east-1
SYSTEM_PYTHON=/usr/bin/python3
SYSTEM_AWS=/usr/bin/aws
GNU_TIME=/usr/bin/time

usage() {
    cat <<EOF
Usage: bench/run-enqueue-bench.sh [options]
  --keys N               keys under the listed prefix (default $KEYS)
  --quick                same as --keys 10000
  --layout flat|foldered the fake endpoint's layout (default $LAYOUT; see fake_s3_list_server.py)
  --scenario S           loopback (S3 0 ms a request, SQS direct), remote (S3 $REMOTE_S3_LATENCY_MS ms a request,
                         SQS $REMOTE_SQS_RTT_MS ms round trip away) or both (default $SCENARIO)
  --s3-latency-ms MS     run one "custom" scenario instead, with this S3 latency (default 0)
  --sqs-rtt-ms MS        run one "custom" scenario instead, with SQS this round trip away through
                         servers/ShapedLinkProxy.java (default 0: direct)
  --link-mbps MB         the SQS link's cap, MB/s per connection and direction (default $LINK_MBPS; 0 none)
  --parallelism "N ..."  bucketflow parallelisms; "default" passes no --parallelism, as a user runs it
                         (default "$PARALLELISMS")
  --peers "P ..."        from: seed (peers/seed_enqueue.py, the design to beat) ceiling (reference: $CEILING_SENDERS
                         Java senders of batches of 10, no listing) (default "$PEERS"); "" for none
  --peers-only           do not run bucketflow (its rows say "not measured")
  --ceiling-senders N    threads of the ceiling reference (default $CEILING_SENDERS)
  --fifo                 FIFO queues (ContentBasedDeduplication off: every sender sets its own ids)
                         instead of standard ones
  --message-format F     passed to \`bucketflow enqueue\` (default: not passed, its s3-event)
  --sqs-warm-up N        messages ElasticMQ sends, receives and deletes before anything is timed
                         (default $SQS_WARM_UP_MESSAGES; 0 for none)
  --check-threads N      receivers that check each queue afterwards, untimed (default $CHECK_THREADS)
  --no-class-archives    run bin/bucketflow without class-data archives (BUCKETFLOW_CDS=off)
  --timeout-s S          give up on one command after S seconds (default 6 ms a key, at least 300 s:
                         600 s for 100,000 keys, where the seed design needs about 270 s remote)
  --bucketflow PATH      the bucketflow launcher (default bin/bucketflow)
  --results FILE         report to write (default bench/RESULTS-enqueue.md)
  --work-dir DIR         scratch directory for logs and runs.tsv (default bench/out/enqueue)
EOF
}

die() {
    echo "run-enqueue-bench: $*" >&2
    exit 2
}

need_value() {
    [[ $# -ge 2 ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) need_value "$@"; KEYS=$2; shift 2 ;;
        --quick) KEYS=10000; shift ;;
        --layout) need_value "$@"; LAYOUT=$2; shift 2 ;;
        --scenario) need_value "$@"; SCENARIO=$2; shift 2 ;;
        --s3-latency-ms) need_value "$@"; S3_LATENCY_MS=$2; shift 2 ;;
        --sqs-rtt-ms) need_value "$@"; SQS_RTT_MS=$2; shift 2 ;;
        --link-mbps) need_value "$@"; LINK_MBPS=$2; shift 2 ;;
        --parallelism) need_value "$@"; PARALLELISMS=$2; shift 2 ;;
        --peers) need_value "$@"; PEERS=$2; shift 2 ;;
        --peers-only) RUN_BUCKETFLOW=0; shift ;;
        --ceiling-senders) need_value "$@"; CEILING_SENDERS=$2; shift 2 ;;
        --fifo) QUEUE_TYPE=fifo; shift ;;
        --message-format) need_value "$@"; MESSAGE_FORMAT=$2; shift 2 ;;
        --sqs-warm-up) need_value "$@"; SQS_WARM_UP_MESSAGES=$2; shift 2 ;;
        --check-threads) need_value "$@"; CHECK_THREADS=$2; shift 2 ;;
        --no-class-archives) CLASS_ARCHIVES=0; shift ;;
        --timeout-s) need_value "$@"; TIMEOUT_S=$2; shift 2 ;;
        --bucketflow) need_value "$@"; BUCKETFLOW=$2; shift 2 ;;
        --results) need_value "$@"; RESULTS=$2; shift 2 ;;
        --work-dir) need_value "$@"; WORK_DIR=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

positive() { # option value
    [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, was '$2'"
}
milliseconds() { # option value
    [[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$1 must be a number of milliseconds, was '$2'"
}

positive --keys "$KEYS"
positive --ceiling-senders "$CEILING_SENDERS"
positive --check-threads "$CHECK_THREADS"
[[ -n $TIMEOUT_S ]] || TIMEOUT_S=$((KEYS * 6 / 1000 > 300 ? KEYS * 6 / 1000 : 300))
positive --timeout-s "$TIMEOUT_S"
[[ $LAYOUT == flat || $LAYOUT == foldered ]] || die "--layout must be flat or foldered, was '$LAYOUT'"
[[ $LINK_MBPS =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--link-mbps must be a number of MB/s (0: no cap), was '$LINK_MBPS'"
[[ $SQS_WARM_UP_MESSAGES =~ ^[0-9]+$ ]] || die "--sqs-warm-up must be a number of messages (0 for none), was '$SQS_WARM_UP_MESSAGES'"
for n in $PARALLELISMS; do
    [[ $n == default ]] || positive --parallelism "$n"
done
parallelism_flag() { # n: the flag that asks bucketflow for parallelism n, none for "default"
    [[ $1 == default ]] || printf -- '--parallelism\n%s\n' "$1"
}
for peer in $PEERS; do
    [[ $peer == seed || $peer == ceiling ]] || die "unknown peer '$peer'; use seed and/or ceiling"
done

# Scenarios as NAME:S3_LATENCY_MS:SQS_RTT_MS.
if [[ -n $S3_LATENCY_MS || -n $SQS_RTT_MS ]]; then
    S3_LATENCY_MS=${S3_LATENCY_MS:-0}
    SQS_RTT_MS=${SQS_RTT_MS:-0}
    milliseconds --s3-latency-ms "$S3_LATENCY_MS"
    milliseconds --sqs-rtt-ms "$SQS_RTT_MS"
    SCENARIOS="custom:$S3_LATENCY_MS:$SQS_RTT_MS"
else
    case $SCENARIO in
        loopback) SCENARIOS="loopback:0:0" ;;
        remote) SCENARIOS="remote:$REMOTE_S3_LATENCY_MS:$REMOTE_SQS_RTT_MS" ;;
        both) SCENARIOS="loopback:0:0 remote:$REMOTE_S3_LATENCY_MS:$REMOTE_SQS_RTT_MS" ;;
        *) die "--scenario must be loopback, remote or both, was '$SCENARIO'" ;;
    esac
fi
PREFIX="$LAYOUT/"

# --- Tools: Debian's packages, used by absolute path (a pyenv `python3` or `aws` shim on PATH may not
# --- have boto3 or awscli behind it).
install_missing_packages() {
    local missing=()
    [[ -x $GNU_TIME ]] || missing+=(time)
    command -v curl >/dev/null || missing+=(curl)
    [[ -x $SYSTEM_PYTHON ]] || missing+=(python3)
    [[ -x $SYSTEM_AWS ]] || missing+=(awscli) # creates, counts and deletes the queues
    if [[ " $PEERS " == *" seed "* ]] && ! { [[ -x $SYSTEM_PYTHON ]] && $SYSTEM_PYTHON -c 'import boto3' 2>/dev/null; }; then
        missing+=(python3-boto3)
    fi
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $(id -u) -eq 0 ]] || die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
    echo "Installing ${missing[*]} with apt-get ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
install_missing_packages
command -v java >/dev/null || die "java (17 or newer) is not on PATH; ElasticMQ and bucketflow need it"
command -v javac >/dev/null || die "javac (a JDK 17 or newer) is not on PATH; servers/SqsQueueTool.java is compiled with it"

BUCKETFLOW_MISSING=
CHECKPOINT_INTERVAL=?
RESULTS=$(realpath -m "$RESULTS") # the commands run in another directory (see below)
if [[ $RUN_BUCKETFLOW -eq 1 ]]; then
    [[ -x $BUCKETFLOW ]] || die "no executable $BUCKETFLOW (--bucketflow PATH); measure the peers alone with --peers-only"
    BUCKETFLOW="$(cd "$(dirname "$BUCKETFLOW")" && pwd)/$(basename "$BUCKETFLOW")"
    launcher_root=$(cd "$(dirname "$BUCKETFLOW")/.." && pwd)
    [[ -f $launcher_root/job/target/bucketflow.jar ]] ||
        die "the job jar $launcher_root/job/target/bucketflow.jar is not built; build it with: ./mvnw -B -q install -DskipTests"
    "$BUCKETFLOW" enqueue --help >/dev/null 2>&1 || die "\`$BUCKETFLOW enqueue --help\` failed: no enqueue command to measure"
    # What a local run's exactly-once sink waits for: messages go out when a checkpoint completes.
    # (The commands run in the launcher's checkout, whose ./flink-conf a local run prefers.)
    conf_dir=$launcher_root/flink-conf
    [[ -d $conf_dir ]] || conf_dir=${FLINK_CONF_DIR:-}
    CHECKPOINT_INTERVAL=$(sed -n 's/^execution\.checkpointing\.interval:[[:space:]]*//p' \
        "$conf_dir/config.yaml" 2>/dev/null | head -1)
    CHECKPOINT_INTERVAL=${CHECKPOINT_INTERVAL:-?}
else
    BUCKETFLOW_MISSING="not measured (peers-only run)"
fi

mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
LOG_DIR="$WORK_DIR/logs"
RUNS_TSV="$WORK_DIR/runs.tsv"
EXPECTED_KEYS="$WORK_DIR/expected-keys.txt"
CEILING_KEYS="$WORK_DIR/ceiling-keys.txt"
mkdir -p "$LOG_DIR"
rm -f "${LOG_DIR:?}"/*

# Dummy credentials and an isolated AWS configuration for every client (boto3, aws-cli, bucketflow's
# SDK default chain): nothing may wander off to a real account or the instance metadata service.
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=$REGION AWS_DEFAULT_REGION=$REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_SQS AWS_CA_BUNDLE

# --- The keys every queue must hold afterwards: the layout's keys under the prefix (the endpoint
# --- also serves a few keys outside it), and the ceiling reference's made-up ones.
$SYSTEM_PYTHON -B - "$BENCH_DIR" "$LAYOUT" "$KEYS" "$PREFIX" "$EXPECTED_KEYS" "$CEILING_KEYS" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import fake_s3_list_server as fake
layout, keys, prefix, expected, ceiling = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
with open(expected, "w", encoding="utf-8") as out:
    out.writelines(k + "\n" for k in fake.generate_bucket(layout, keys) if k.startswith(prefix))
with open(ceiling, "w", encoding="utf-8") as out:
    out.writelines(f"{prefix}ceiling-{i:07d}\n" for i in range(keys))
EOF
[[ $(wc -l <"$EXPECTED_KEYS") -eq $KEYS ]] || die "the fake endpoint's $LAYOUT layout does not hold $KEYS keys under $PREFIX"
# bucketflow's untimed first runs (class-data archives) enqueue the first keys only.
case $LAYOUT in
    flat) WARMUP_PREFIX=$(head -1 "$EXPECTED_KEYS" | sed 's/..$//') ;;            # flat/obj-00000: 100 keys
    foldered) WARMUP_PREFIX=$(head -1 "$EXPECTED_KEYS" | sed 's#[^/]*$##') ;;   # the first leaf folder
esac

# --- Servers: ElasticMQ on the connectors' test classpath (the root pom's versions), once; per
# --- scenario the fake S3 endpoint and, with an SQS round trip, the shaped link in front of ElasticMQ.
CLASSPATH_FILE="$WORK_DIR/server-classpath.txt"
echo "Resolving the ElasticMQ and AWS SDK classpath (connectors' test classpath) ..." >&2
if ! (cd "$REPO_DIR" && ./mvnw -B -q -o dependency:build-classpath -pl connectors \
        -Dmdep.outputFile="$CLASSPATH_FILE" >"$LOG_DIR/classpath.log" 2>&1); then
    (cd "$REPO_DIR" && ./mvnw -B -q dependency:build-classpath -pl connectors \
        -Dmdep.outputFile="$CLASSPATH_FILE" >"$LOG_DIR/classpath.log" 2>&1) ||
        die "could not resolve the connectors' test classpath; see $LOG_DIR/classpath.log"
fi
SERVER_CLASSPATH=$(cat "$CLASSPATH_FILE")
ELASTICMQ_VERSION=$(tr ':' '\n' <"$CLASSPATH_FILE" | sed -n 's#.*/elasticmq-rest-sqs_2.13-\([^/]*\)\.jar$#\1#p' | head -1)
[[ -n $ELASTICMQ_VERSION ]] || die "ElasticMQ is not on the connectors' test classpath ($CLASSPATH_FILE)"

TOOL_CLASSES="$WORK_DIR/tool-classes"
rm -rf "$TOOL_CLASSES"
mkdir -p "$TOOL_CLASSES"
javac -nowarn -d "$TOOL_CLASSES" -cp "$SERVER_CLASSPATH" "$BENCH_DIR/servers/SqsQueueTool.java" 2>"$LOG_DIR/javac.log" ||
    die "could not compile servers/SqsQueueTool.java; see $LOG_DIR/javac.log"
sqs_tool() { # mode args...: the checker and ceiling sender, compiled above (no compilation in a timed run)
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -Dorg.apache.logging.log4j.level=WARN \
        -cp "$TOOL_CLASSES:$SERVER_CLASSPATH" SqsQueueTool "$@"
}

S3_PID=
SQS_PID=
LINK_PID=
stop_pid() { # pid
    if [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}
stop_servers() {
    stop_pid "$LINK_PID"
    stop_pid "$S3_PID"
    stop_pid "$SQS_PID"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

wait_for_file() { # file pid seconds what log
    local deadline=$((SECONDS + $3))
    while [[ ! -s $1 ]]; do
        kill -0 "$2" 2>/dev/null || die "$4 exited; see $5"
        ((SECONDS < deadline)) || die "$4 did not start within $3 s; see $5"
        sleep 0.2
    done
}

rm -f "$WORK_DIR/elasticmq.port"
echo "Starting ElasticMQ $ELASTICMQ_VERSION (warm-up: $SQS_WARM_UP_MESSAGES messages) ..." >&2
java -Xmx1g -Dorg.apache.logging.log4j.level=WARN -cp "$SERVER_CLASSPATH" \
    "$BENCH_DIR/servers/ElasticMqServer.java" "$WORK_DIR/elasticmq.port" 0 "$SQS_WARM_UP_MESSAGES" \
    >"$LOG_DIR/elasticmq.log" 2>&1 &
SQS_PID=$!
wait_for_file "$WORK_DIR/elasticmq.port" "$SQS_PID" $((120 + SQS_WARM_UP_MESSAGES / 100)) ElasticMQ "$LOG_DIR/elasticmq.log"
ELASTICMQ_URL="http://127.0.0.1:$(cat "$WORK_DIR/elasticmq.port")"
echo "ElasticMQ at $ELASTICMQ_URL ($(grep -o 'warmed up.*' "$LOG_DIR/elasticmq.log" || echo 'no warm-up'))" >&2

S3_ENDPOINT=
SQS_ENDPOINT=
start_scenario_servers() { # name s3-latency-ms sqs-rtt-ms
    local name=$1 latency=$2 rtt=$3
    rm -f "$WORK_DIR/fake-s3.port" "$WORK_DIR/link.ports"
    echo "Scenario $name: starting the fake S3 endpoint ($KEYS keys, $latency ms a request) ..." >&2
    $SYSTEM_PYTHON "$BENCH_DIR/fake_s3_list_server.py" --bucket "$BUCKET=$LAYOUT" --keys "$KEYS" \
        --latency-ms "$latency" --port-file "$WORK_DIR/fake-s3.port" >"$LOG_DIR/fake-s3-$name.log" 2>&1 &
    S3_PID=$!
    wait_for_file "$WORK_DIR/fake-s3.port" "$S3_PID" 120 "the fake S3 endpoint" "$LOG_DIR/fake-s3-$name.log"
    S3_ENDPOINT="http://127.0.0.1:$(cat "$WORK_DIR/fake-s3.port")"
    SQS_ENDPOINT=$ELASTICMQ_URL
    LINK_PID=
    if awk -v rtt="$rtt" 'BEGIN { exit !(rtt > 0) }'; then
        echo "  the SQS link: +$rtt ms a round trip, $LINK_MBPS MB/s per connection and direction" >&2
        java -Xmx256m -XX:+UseSerialGC "$BENCH_DIR/servers/ShapedLinkProxy.java" \
            --delay-ms "$(awk -v rtt="$rtt" 'BEGIN { print rtt / 2 }')" --rate-mb-s "$LINK_MBPS" \
            --port-file "$WORK_DIR/link.ports" "${ELASTICMQ_URL#http://}" \
            >"$LOG_DIR/link-$name.stdout" 2>"$LOG_DIR/link-$name.log" &
        LINK_PID=$!
        wait_for_file "$WORK_DIR/link.ports" "$LINK_PID" 60 "the shaped link" "$LOG_DIR/link-$name.log"
        SQS_ENDPOINT="http://127.0.0.1:$(head -1 "$WORK_DIR/link.ports")"
    fi
    echo "  clients use S3 at $S3_ENDPOINT and SQS at $SQS_ENDPOINT" >&2
}
stop_scenario_servers() {
    stop_pid "$LINK_PID"
    stop_pid "$S3_PID"
    LINK_PID=
    S3_PID=
}

# CPU seconds (user + system) a server process has used so far.
CLOCK_TICKS=$(getconf CLK_TCK)
process_cpu_s() { # pid (may be empty)
    if [[ -z $1 || ! -r /proc/$1/stat ]]; then
        echo 0
        return
    fi
    # Fields 14 and 15 (utime, stime) counted after the parenthesised command name.
    awk -v ticks="$CLOCK_TICKS" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / ticks }' "/proc/$1/stat"
}
cpu_delta() { # before after
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}
# CPU seconds the whole machine has been busy (every process and the kernel, all CPUs), from /proc/stat:
# what is left of it after the contender and the servers is the rest of the machine's load.
machine_busy_s() {
    awk -v ticks="$CLOCK_TICKS" '$1 == "cpu" { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8 + $9) / ticks }' /proc/stat
}

# The fake endpoint's counters since the last reset, as tab-separated STATS_COLUMNS; resets them.
stats_take() {
    curl -sf -X POST "$S3_ENDPOINT/__stats/reset" | $SYSTEM_PYTHON -c '
import json, sys
s = json.load(sys.stdin)
fields = [s["requests"], s["by_operation"].get("ListObjectsV2", 0), s["peak_in_flight"],
          s["first_request_after_reset_s"], s["first_to_last_response_s"]]
print("\t".join("" if f is None else (f"{f:.3f}" if isinstance(f, float) else str(f)) for f in fields))'
}

RUN_COLUMNS="scenario\ts3_latency_ms\tsqs_rtt_ms\ttool\tparallelism\tstatus\texpected\tqueued\treceived\tdistinct\tduplicates\tmissing\tunexpected\tbody_bytes\twall_s\tmax_rss_kb\tuser_s\tsys_s\ts3_cpu_s\tsqs_cpu_s\tlink_cpu_s\tmachine_cpu_s\trequests\tlist_requests\tpeak_in_flight\tfirst_request_s\twindow_s\tfirst_sent_s\tlast_sent_s\tnote\tcommand"
printf '%b\n' "$RUN_COLUMNS" >"$RUNS_TSV"
SCENARIO_NAME= SCENARIO_S3_MS= SCENARIO_RTT_MS=
record() { # tool parallelism status check(7 tab-separated) times(4) cpus(4) stats(5) sent(2) note command
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SCENARIO_NAME" "$SCENARIO_S3_MS" \
        "$SCENARIO_RTT_MS" "$1" "$2" "$3" "$KEYS" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" >>"$RUNS_TSV"
}
not_measured() { # tool parallelism note
    record "$1" "$2" "not measured" $'\t\t\t\t\t\t' $'\t\t\t' $'\t\t\t' $'\t\t\t\t' $'\t' "$3" ""
}

# Runs one command under GNU time with a timeout; sets RUN_STATUS, RUN_TIMES (wall, max RSS, user,
# sys), RUN_CPUS (fake S3, ElasticMQ, link, the whole machine), RUN_STATS (the fake endpoint's counters), RUN_START_MS
# and RUN_COMMAND.
timed_run() { # name command...
    local name=$1 s3_before sqs_before link_before machine_before
    shift
    RUN_COMMAND=$(printf '%q ' "$@")
    RUN_COMMAND=${RUN_COMMAND% }
    RUN_COMMAND=${RUN_COMMAND//$WORK_DIR/\$WORK}
    RUN_COMMAND=${RUN_COMMAND//$REPO_DIR\//}
    RUN_COMMAND=${RUN_COMMAND//$SERVER_CLASSPATH/\$CLASSPATH}
    echo "  $name: $RUN_COMMAND" >&2
    curl -sf -X POST "$S3_ENDPOINT/__stats/reset" >/dev/null
    s3_before=$(process_cpu_s "$S3_PID")
    sqs_before=$(process_cpu_s "$SQS_PID")
    link_before=$(process_cpu_s "$LINK_PID")
    machine_before=$(machine_busy_s)
    RUN_STATUS=ok
    RUN_START_MS=$(date +%s%3N)
    local rc=0
    timeout -k 60 "$TIMEOUT_S" "$GNU_TIME" -f '%e %M %U %S' -o "$LOG_DIR/$name.time" "$@" \
        >"$LOG_DIR/$name.stdout" 2>"$LOG_DIR/$name.stderr" || rc=$?
    if ((rc == 124 || rc == 137)); then
        RUN_STATUS="failed: timed out after $TIMEOUT_S s (see logs/$name.stderr)"
    elif ((rc != 0)); then
        RUN_STATUS="failed (see logs/$name.stderr)"
    fi
    RUN_CPUS="$(cpu_delta "$s3_before" "$(process_cpu_s "$S3_PID")")"$'\t'"$(cpu_delta "$sqs_before" "$(process_cpu_s "$SQS_PID")")"$'\t'
    [[ -z $LINK_PID ]] || RUN_CPUS+=$(cpu_delta "$link_before" "$(process_cpu_s "$LINK_PID")")
    RUN_CPUS+=$'\t'$(cpu_delta "$machine_before" "$(machine_busy_s)")
    RUN_STATS=$(stats_take)
    RUN_TIMES=$(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$LOG_DIR/$name.time" | tail -1 | tr ' ' '\t' || true)
    [[ -n $RUN_TIMES ]] || RUN_TIMES=$'\t\t\t'
}

sqs() {
    $SYSTEM_AWS sqs --endpoint-url "$ELASTICMQ_URL" "$@"
}

# Creates a fresh queue; sets QUEUE_URL (ElasticMQ's own, for the untimed checks) and CLIENT_QUEUE_URL
# (the same queue on the clients' endpoint: with an SQS round trip, through the link, as SQS's queue
# URLs name the endpoint the client reaches).
create_queue() { # name
    local name=$1 attributes=()
    if [[ $QUEUE_TYPE == fifo ]]; then
        name+=.fifo
        attributes=(--attributes FifoQueue=true,ContentBasedDeduplication=false)
    fi
    QUEUE_URL=$(sqs create-queue --queue-name "$name" "${attributes[@]}" --query QueueUrl --output text)
    [[ $QUEUE_URL =~ ^https?://[^/]+(/.*)$ ]] || die "ElasticMQ answered create-queue with '$QUEUE_URL'"
    CLIENT_QUEUE_URL="$SQS_ENDPOINT${BASH_REMATCH[1]}"
}

# Outside the timed region: the queue's message count, then every message received and its key
# compared with the expected ones; adjusts RUN_STATUS, sets CHECK (8 tab-separated fields) and
# SENT (first and last SentTimestamp, seconds after the command's start); deletes the queue.
check_queue() { # name expected-keys-file
    local name=$1 expected=$2 queued check_json
    # shellcheck disable=SC2016 # backticks are a JMESPath literal, not a command substitution
    queued=$(sqs get-queue-attributes --queue-url "$QUEUE_URL" --output text \
        --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible ApproximateNumberOfMessagesDelayed \
        --query 'join(`" "`, [Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible, Attributes.ApproximateNumberOfMessagesDelayed])')
    read -r visible invisible delayed <<<"$queued"
    queued=$((visible + invisible + delayed))
    echo "    checking the queue: $queued messages ..." >&2
    check_json=$(sqs_tool check "$ELASTICMQ_URL" "$QUEUE_URL" "$expected" "$CHECK_THREADS" 2>"$LOG_DIR/$name.check.log") ||
        die "could not check the queue of $name; see $LOG_DIR/$name.check.log"
    echo "$check_json" >"$LOG_DIR/$name.check.json"
    sqs delete-queue --queue-url "$QUEUE_URL" >/dev/null
    local fields
    fields=$($SYSTEM_PYTHON -c '
import json, sys
c = json.loads(sys.argv[1]); start = int(sys.argv[2])
sent = ["" if c[k] is None else f"{(c[k] - start) / 1000:.3f}" for k in ("first_sent_ms", "last_sent_ms")]
print("\t".join(str(c[k]) for k in ("received", "distinct", "duplicates", "missing", "unexpected"))
      + "\t" + "%.0f" % c["body_bytes_mean"] + "\t" + "\t".join(sent))' "$check_json" "$RUN_START_MS")
    local received distinct duplicates missing unexpected body first_sent last_sent
    IFS=$'\t' read -r received distinct duplicates missing unexpected body first_sent last_sent <<<"$fields"
    if [[ $RUN_STATUS == ok ]]; then
        if [[ $queued != "$KEYS" ]]; then
            RUN_STATUS="WRONG COUNT ($queued queued)"
        elif ((duplicates > 0 || missing > 0 || unexpected > 0)); then
            RUN_STATUS="WRONG MESSAGES ($duplicates duplicated, $missing missing, $unexpected unexpected)"
        elif [[ $received != "$KEYS" ]]; then
            RUN_STATUS="WRONG COUNT ($received received)"
        fi
    fi
    CHECK="$queued"$'\t'"$received"$'\t'"$distinct"$'\t'"$duplicates"$'\t'"$missing"$'\t'"$unexpected"$'\t'"$body"
    SENT="$first_sent"$'\t'"$last_sent"
}

run_seed() {
    local name="$SCENARIO_NAME-seed" note
    create_queue "bench-$name-$(date +%s)"
    timed_run "$name" $SYSTEM_PYTHON -B "$BENCH_DIR/peers/seed_enqueue.py" --s3-endpoint "$S3_ENDPOINT" \
        --sqs-endpoint "$SQS_ENDPOINT" --bucket "$BUCKET" --prefix "$PREFIX" --queue-url "$CLIENT_QUEUE_URL" \
        --region "$REGION"
    check_queue "$name" "$EXPECTED_KEYS"
    note=$($SYSTEM_PYTHON -c '
import json, sys
try:
    s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
except (IndexError, ValueError, OSError):
    sys.exit(0)
print("its own clock: listing done %.1f s and sending %.1f s after its main() began; %d entries retried"
      % (s.get("listed_at_s", 0), s.get("sent_at_s", 0), s.get("retried", 0)))' \
        "$LOG_DIR/$name.stdout")
    record seed 1 "$RUN_STATUS" "$CHECK" "$RUN_TIMES" "$RUN_CPUS" "$RUN_STATS" "$SENT" "$note" "$RUN_COMMAND"
}

run_ceiling() {
    local name="$SCENARIO_NAME-ceiling"
    create_queue "bench-$name-$(date +%s)"
    timed_run "$name" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -Dorg.apache.logging.log4j.level=WARN \
        -cp "$TOOL_CLASSES:$SERVER_CLASSPATH" SqsQueueTool send "$SQS_ENDPOINT" "$CLIENT_QUEUE_URL" "$BUCKET" \
        "$PREFIX" "$KEYS" "$CEILING_SENDERS"
    check_queue "$name" "$CEILING_KEYS"
    record ceiling "$CEILING_SENDERS" "$RUN_STATUS" "$CHECK" "$RUN_TIMES" "$RUN_CPUS" "$RUN_STATS" "$SENT" \
        "a reference, not a contender: $CEILING_SENDERS threads of the AWS SDK for Java sending batches of 10 with no listing" \
        "$RUN_COMMAND"
}

run_bucketflow() { # parallelism
    local n=$1 name="$SCENARIO_NAME-bucketflow-p$1" format=()
    [[ -z $MESSAGE_FORMAT ]] || format=(--message-format "$MESSAGE_FORMAT")
    create_queue "bench-$name-$(date +%s)"
    timed_run "$name" "$BUCKETFLOW" enqueue --bucket "$BUCKET" --prefix "$PREFIX" --queue-url "$CLIENT_QUEUE_URL" \
        --s3-endpoint "$S3_ENDPOINT" --sqs-endpoint "$SQS_ENDPOINT" --region "$REGION" \
        $(parallelism_flag "$n") "${format[@]}"
    check_queue "$name" "$EXPECTED_KEYS"
    record bucketflow "$n" "$RUN_STATUS" "$CHECK" "$RUN_TIMES" "$RUN_CPUS" "$RUN_STATS" "$SENT" "" "$RUN_COMMAND"
}

# --- bin/bucketflow records a class-data archive on the first successful run of each command and maps
# --- it on later runs (see bin/bucketflow), as Python keeps compiled bytecode for boto3. The archive is
# --- recorded afresh for this build, untimed, by one enqueue of the first keys, as a user's first run
# --- would; the seed peer gets an untimed run too (see below). --no-class-archives measures bucketflow
# --- without the archive.
export BUCKETFLOW_CDS_DIR="$WORK_DIR/class-archives"
warm_up() {
    local format=()
    [[ -z $MESSAGE_FORMAT ]] || format=(--message-format "$MESSAGE_FORMAT")
    if [[ " $PEERS " == *" seed "* ]]; then
        # boto3 (botocore 1.29) speaks SQS's query protocol, which ElasticMQ's warm-up (the Java SDK's
        # JSON protocol) leaves cold: a fresh ElasticMQ took 7.2 CPU s for the seed peer's first 10,000
        # messages, 2.6 s by the third 10,000. So the seed peer sends as many as ElasticMQ's warm-up.
        local limit=$SQS_WARM_UP_MESSAGES
        ((limit > 0)) || limit=$WARMUP_KEYS
        echo "Warming up the seed peer and ElasticMQ's query protocol: up to $limit messages (untimed) ..." >&2
        create_queue "bench-warmup-seed-$(date +%s)"
        $SYSTEM_PYTHON -B "$BENCH_DIR/peers/seed_enqueue.py" --s3-endpoint "$S3_ENDPOINT" --sqs-endpoint "$ELASTICMQ_URL" \
            --bucket "$BUCKET" --prefix "$PREFIX" --limit "$limit" --queue-url "$QUEUE_URL" --region "$REGION" \
            >"$LOG_DIR/warmup-seed.log" 2>&1 || die "warm-up run of the seed peer failed; see $LOG_DIR/warmup-seed.log"
        sqs delete-queue --queue-url "$QUEUE_URL" >/dev/null
    fi
    [[ $RUN_BUCKETFLOW -eq 1 ]] || return 0
    rm -rf "$BUCKETFLOW_CDS_DIR"
    if [[ $CLASS_ARCHIVES -eq 0 ]]; then
        export BUCKETFLOW_CDS=off
        return 0
    fi
    echo "Recording bin/bucketflow's class-data archive: enqueue of $WARMUP_PREFIX* (untimed) ..." >&2
    create_queue "bench-warmup-bucketflow-$(date +%s)"
    "$BUCKETFLOW" enqueue --bucket "$BUCKET" --prefix "$WARMUP_PREFIX" --queue-url "$QUEUE_URL" \
        --s3-endpoint "$S3_ENDPOINT" --sqs-endpoint "$ELASTICMQ_URL" --region "$REGION" "${format[@]}" \
        >"$LOG_DIR/warmup-bucketflow.log" 2>&1 || die "warm-up enqueue failed; see $LOG_DIR/warmup-bucketflow.log"
    sqs delete-queue --queue-url "$QUEUE_URL" >/dev/null
    echo "  recorded: $(cd "$BUCKETFLOW_CDS_DIR" && ls -- *.jsa 2>/dev/null | paste -sd ' ' -)" >&2
}

# A local bucketflow run reads ./flink-conf when there is one, before the launcher's FLINK_CONF_DIR: every
# command runs in the launcher's checkout, so that bucketflow gets its own configuration (the one
# CHECKPOINT_INTERVAL was read from) whichever directory the script was started in.
cd "${launcher_root:-$REPO_DIR}"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
warmed_up=0
for scenario in $SCENARIOS; do
    IFS=: read -r SCENARIO_NAME SCENARIO_S3_MS SCENARIO_RTT_MS <<<"$scenario"
    start_scenario_servers "$SCENARIO_NAME" "$SCENARIO_S3_MS" "$SCENARIO_RTT_MS"
    if [[ $warmed_up -eq 0 ]]; then
        warm_up
        warmed_up=1
    fi
    [[ " $PEERS " != *" seed "* ]] || run_seed
    for n in $PARALLELISMS; do
        if [[ -n $BUCKETFLOW_MISSING ]]; then
            not_measured bucketflow "$n" "$BUCKETFLOW_MISSING"
        else
            run_bucketflow "$n"
        fi
    done
    [[ " $PEERS " != *" ceiling "* ]] || run_ceiling
    stop_scenario_servers
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

$SYSTEM_PYTHON -B "$BENCH_DIR/write_enqueue_results.py" --runs "$RUNS_TSV" --results "$RESULTS" \
    --command "$COMMAND_LINE" --keys "$KEYS" --layout "$LAYOUT" --queue-type "$QUEUE_TYPE" \
    --message-format "${MESSAGE_FORMAT:-default}" --link-mbps "$LINK_MBPS" --sqs-warm-up "$SQS_WARM_UP_MESSAGES" \
    --elasticmq-version "$ELASTICMQ_VERSION" --checkpoint-interval "$CHECKPOINT_INTERVAL" \
    --class-archives "$CLASS_ARCHIVES" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" \
    --python "$SYSTEM_PYTHON" --bucketflow "$BUCKETFLOW"
echo "Wrote $RESULTS" >&2

if grep -qE $'\t(WRONG|failed)' "$RUNS_TSV"; then
    echo "run-enqueue-bench: some runs failed or left the wrong messages in their queue; see $RESULTS" >&2
    exit 1
fi
