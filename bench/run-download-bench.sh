#!/usr/bin/env bash
# Download benchmark: `aws s3 cp --recursive`, `rclone copy` and bucketflow (`enqueue` then
# `download`, and `retrieve`) download the same objects (by default 20,000 x 16 KiB and 4 x 512 MiB,
# the large ones multipart-uploaded) from one S3Proxy on 127.0.0.1, started here and used by every
# contender of the run: with an in-memory store (default; objects uploaded through it with boto3) or
# a filesystem store on disk (objects written straight into its directory). With `--link shaped`
# every client talks to the servers through servers/ShapedLinkProxy.java, a TCP proxy on 127.0.0.1
# that delays every chunk 10 ms each way and caps each connection at 50 MB/s each way. Every
# download is checked object by object (count, sizes, SHA-256) outside the timed region. Writes a
# markdown report (default bench/RESULTS-download.md). Not a test; CI does not run it. See
# bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
COMMAND_LINE="bench/run-download-bench.sh"
[[ $# -eq 0 ]] || COMMAND_LINE+=$(printf ' %q' "$@")

SMALL_COUNT=20000
SMALL_SIZE=16K
LARGE_COUNT=4
LARGE_SIZE=512M
CLASSES="small large"
PEERS="awscli rclone"
RUN_BUCKETFLOW=1
RUN_RETRIEVE=1
PARALLELISMS="default"
MAX_CONCURRENT_DOWNLOADS=
STOP_WHEN_IDLE=1s
SQS_WARM_UP_MESSAGES=40000
VISIBILITY_TIMEOUT_S=
RCLONE_TRANSFERS=32
RCLONE_CHECKERS=32
STORE=memory     # memory: S3Proxy's transient-nio2 store (objects uploaded with boto3); filesystem: on disk
LINK=loopback    # loopback: clients talk to the servers directly; shaped: through ShapedLinkProxy
RTT_MS=20        # shaped link: round trip added (half of it each way)
LINK_MBPS=50     # shaped link: MB/s (10^6 bytes) per connection and direction
SEED_THREADS=32
TIMEOUT_S=3600
PAGE_CACHE=warm # warm: objects read once beforehand; dropped: emptied before every command; clean: emptied, then the class's objects read back
KEEP_DOWNLOADS=0
CLASS_ARCHIVES=1
WARMUP_COUNT=100
RESEED=0
RESULTS="$BENCH_DIR/RESULTS-download.md"
WORK_DIR="$BENCH_DIR/out/download"
BUCKETFLOW="$REPO_DIR/bin/bucketflow"
BUCKET=bench
REGION=us-east-1
SYSTEM_PYTHON=/usr/bin/python3
SYSTEM_AWS=/usr/bin/aws
SYSTEM_RCLONE=/usr/bin/rclone
GNU_TIME=/usr/bin/time
# S3Proxy checks every request's signature against these (dummy) credentials.
S3_IDENTITY=bench-access-key
S3_CREDENTIAL=bench-secret-key

usage() {
    cat <<EOF
Usage: bench/run-download-bench.sh [options]
  --small-count N        objects in the small class (default $SMALL_COUNT)
  --small-size SIZE      bytes per small object, e.g. 16K (default $SMALL_SIZE)
  --large-count N        objects in the large class (default $LARGE_COUNT)
  --large-size SIZE      bytes per large object, e.g. 64M, 1G (default $LARGE_SIZE)
  --quick                same as --small-count 2000 --large-count 2 --large-size 128M
  --store memory|filesystem
                         S3Proxy's store (default $STORE): memory is its transient-nio2 store, filled
                         through S3Proxy with boto3 (large objects as multipart uploads) before
                         anything is timed; filesystem is a directory under the work directory,
                         written straight to disk and reused by later runs
  --link loopback|shaped every client talks to the servers directly over loopback (default $LINK), or
                         through servers/ShapedLinkProxy.java on 127.0.0.1 (delay and rate cap)
  --rtt-ms MS            shaped link: round-trip time it adds, half each way (default $RTT_MS)
  --link-mbps MB         shaped link: MB/s (10^6 bytes/s) per connection and direction (default $LINK_MBPS)
  --seed-threads N       concurrent uploads when filling the in-memory store (default $SEED_THREADS)
  --classes "C ..."      size classes to run, from: small large (default "$CLASSES")
  --peers "P ..."        peers, from: awscli rclone crt (default "$PEERS"); "" for none; crt is the AWS
                         SDK's CRT-based S3 client (peers/CrtS3Copy.java, 8 MiB parts, 32 connections,
                         native writes to the file) on bucketflow's classpath
  --peers-only           do not run bucketflow (its rows say "not measured")
  --no-retrieve          do not try \`bucketflow retrieve\`
  --parallelism "N ..."  bucketflow parallelisms; "default" passes no --parallelism, as a user runs it
                         (default "$PARALLELISMS")
  --max-concurrent-downloads N
                         passed to \`bucketflow download\` (default: not passed, the command's own)
  --stop-when-idle D     passed to \`bucketflow download\`, in seconds like 5s (default $STOP_WHEN_IDLE)
  --sqs-warm-up N        messages ElasticMQ sends, receives and deletes through a throwaway queue
                         before anything is timed, to bring its JIT to steady state (default
                         $SQS_WARM_UP_MESSAGES; 0 for none)
  --visibility-timeout S the benchmark queues' VisibilityTimeout in seconds (default: SQS's, 30)
  --rclone-transfers N   rclone --transfers (default $RCLONE_TRANSFERS)
  --rclone-checkers N    rclone --checkers (default $RCLONE_CHECKERS)
  --timeout-s S          give up on one command after S seconds (default $TIMEOUT_S)
  --drop-caches          sync and drop the page cache before every timed command (root only), so
                         S3Proxy reads the objects from disk (default: the objects are read once
                         beforehand and served from the page cache to every contender alike)
  --clean-page-cache     sync and drop the page cache before every timed command, then read the
                         class's objects back into it (root only): every contender starts with the
                         same memory, none of it held by earlier runs, and S3Proxy serves from memory
  --no-class-archives    run bin/bucketflow without its class-data archives (BUCKETFLOW_CDS=off), as
                         on the very first run of each command
  --keep-downloads       keep each contender's download directory, dropped from the page cache once
                         checked (default: deleted once checked)
  --reseed               write the objects again even when the filesystem store already holds this
                         run's set (the in-memory store is filled afresh on every run)
  --bucketflow PATH      the bucketflow launcher (default bin/bucketflow)
  --results FILE         report to write (default bench/RESULTS-download.md)
  --work-dir DIR         scratch directory: the S3 store, downloads, logs (default bench/out/download)
EOF
}

die() {
    echo "run-download-bench: $*" >&2
    exit 2
}

need_value() {
    [[ $# -ge 2 ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --small-count) need_value "$@"; SMALL_COUNT=$2; shift 2 ;;
        --small-size) need_value "$@"; SMALL_SIZE=$2; shift 2 ;;
        --large-count) need_value "$@"; LARGE_COUNT=$2; shift 2 ;;
        --large-size) need_value "$@"; LARGE_SIZE=$2; shift 2 ;;
        --quick) SMALL_COUNT=2000; LARGE_COUNT=2; LARGE_SIZE=128M; shift ;;
        --classes) need_value "$@"; CLASSES=$2; shift 2 ;;
        --peers) need_value "$@"; PEERS=$2; shift 2 ;;
        --peers-only) RUN_BUCKETFLOW=0; shift ;;
        --no-retrieve) RUN_RETRIEVE=0; shift ;;
        --parallelism) need_value "$@"; PARALLELISMS=$2; shift 2 ;;
        --max-concurrent-downloads) need_value "$@"; MAX_CONCURRENT_DOWNLOADS=$2; shift 2 ;;
        --stop-when-idle) need_value "$@"; STOP_WHEN_IDLE=$2; shift 2 ;;
        --sqs-warm-up) need_value "$@"; SQS_WARM_UP_MESSAGES=$2; shift 2 ;;
        --visibility-timeout) need_value "$@"; VISIBILITY_TIMEOUT_S=$2; shift 2 ;;
        --rclone-transfers) need_value "$@"; RCLONE_TRANSFERS=$2; shift 2 ;;
        --rclone-checkers) need_value "$@"; RCLONE_CHECKERS=$2; shift 2 ;;
        --store) need_value "$@"; STORE=$2; shift 2 ;;
        --link) need_value "$@"; LINK=$2; shift 2 ;;
        --rtt-ms) need_value "$@"; RTT_MS=$2; shift 2 ;;
        --link-mbps) need_value "$@"; LINK_MBPS=$2; shift 2 ;;
        --seed-threads) need_value "$@"; SEED_THREADS=$2; shift 2 ;;
        --timeout-s) need_value "$@"; TIMEOUT_S=$2; shift 2 ;;
        --drop-caches) PAGE_CACHE=dropped; shift ;;
        --clean-page-cache) PAGE_CACHE=clean; shift ;;
        --keep-downloads) KEEP_DOWNLOADS=1; shift ;;
        --no-class-archives) CLASS_ARCHIVES=0; shift ;;
        --reseed) RESEED=1; shift ;;
        --bucketflow) need_value "$@"; BUCKETFLOW=$2; shift 2 ;;
        --results) need_value "$@"; RESULTS=$2; shift 2 ;;
        --work-dir) need_value "$@"; WORK_DIR=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

# Prints SIZE (digits with an optional K, M or G suffix, powers of 1024) in bytes.
size_in_bytes() { # option value
    [[ $2 =~ ^([0-9]+)([KMG]?)$ ]] || die "$1 must be a size like 16384, 16K, 64M or 1G, was '$2'"
    local number=${BASH_REMATCH[1]} shift_by=0
    case ${BASH_REMATCH[2]} in K) shift_by=10 ;; M) shift_by=20 ;; G) shift_by=30 ;; esac
    echo $((10#$number << shift_by))
}

positive() { # option value
    [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, was '$2'"
}

positive --small-count "$SMALL_COUNT"
positive --large-count "$LARGE_COUNT"
SMALL_BYTES=$(size_in_bytes --small-size "$SMALL_SIZE")
LARGE_BYTES=$(size_in_bytes --large-size "$LARGE_SIZE")
positive --rclone-transfers "$RCLONE_TRANSFERS"
positive --rclone-checkers "$RCLONE_CHECKERS"
positive --seed-threads "$SEED_THREADS"
[[ $STORE == memory || $STORE == filesystem ]] || die "--store must be memory or filesystem, was '$STORE'"
[[ $LINK == loopback || $LINK == shaped ]] || die "--link must be loopback or shaped, was '$LINK'"
[[ $RTT_MS =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rtt-ms must be a number of milliseconds, was '$RTT_MS'"
[[ $LINK_MBPS =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--link-mbps must be a number of MB/s (0: no cap), was '$LINK_MBPS'"
positive --timeout-s "$TIMEOUT_S"
[[ -z $MAX_CONCURRENT_DOWNLOADS ]] || positive --max-concurrent-downloads "$MAX_CONCURRENT_DOWNLOADS"
[[ -z $VISIBILITY_TIMEOUT_S ]] || [[ $VISIBILITY_TIMEOUT_S =~ ^[0-9]+$ && $VISIBILITY_TIMEOUT_S -le 43200 ]] ||
    die "--visibility-timeout must be 0 to 43200 seconds, was '$VISIBILITY_TIMEOUT_S'"
[[ $STOP_WHEN_IDLE =~ ^([0-9]+)s$ ]] || die "--stop-when-idle must be whole seconds like 5s, was '$STOP_WHEN_IDLE'"
IDLE_S=${BASH_REMATCH[1]}
[[ $SQS_WARM_UP_MESSAGES =~ ^[0-9]+$ ]] || die "--sqs-warm-up must be a number of messages (0 for none), was '$SQS_WARM_UP_MESSAGES'"
[[ -n ${CLASSES// /} ]] || die "--classes needs at least one of: small large"
for class in $CLASSES; do
    [[ $class == small || $class == large ]] || die "unknown size class '$class'; use small and/or large"
done
for n in $PARALLELISMS; do
    [[ $n == default ]] || positive --parallelism "$n"
done
parallelism_flag() { # n: the flag that asks bucketflow for parallelism n, none for "default"
    [[ $1 == default ]] || printf -- '--parallelism\n%s\n' "$1"
}
for peer in $PEERS; do
    [[ $peer == awscli || $peer == rclone || $peer == crt ]] || die "unknown peer '$peer'; use awscli, rclone and/or crt"
done
[[ $PAGE_CACHE == warm || $(id -u) -eq 0 ]] || die "--drop-caches and --clean-page-cache need root (they write /proc/sys/vm/drop_caches)"

# The warmup class is bucketflow's untimed first run of each command (see warm_up_bucketflow).
class_count() {
    case $1 in small) echo "$SMALL_COUNT" ;; warmup) echo "$WARMUP_COUNT" ;; *) echo "$LARGE_COUNT" ;; esac
}
class_size() {
    case $1 in small) echo "$SMALL_BYTES" ;; warmup) echo 16384 ;; *) echo "$LARGE_BYTES" ;; esac
}

# --- Tools: Debian's packages, used by absolute path (a pyenv `aws` shim on PATH may not have
# --- awscli behind it).
install_missing_packages() {
    local missing=()
    [[ -x $GNU_TIME ]] || missing+=(time)
    command -v curl >/dev/null || missing+=(curl)
    [[ -x $SYSTEM_PYTHON ]] || missing+=(python3)
    # The AWS CLI also creates and inspects the SQS queues of the bucketflow runs.
    [[ -x $SYSTEM_AWS ]] || missing+=(awscli)
    # boto3 fills the in-memory store.
    if [[ $STORE == memory ]] && ! { [[ -x $SYSTEM_PYTHON ]] && $SYSTEM_PYTHON -c 'import boto3' 2>/dev/null; }; then
        missing+=(python3-boto3)
    fi
    if [[ " $PEERS " == *" rclone "* ]] && [[ ! -x $SYSTEM_RCLONE ]]; then
        missing+=(rclone)
    fi
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $(id -u) -eq 0 ]] || die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
    echo "Installing ${missing[*]} with apt-get ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
install_missing_packages
command -v java >/dev/null || die "java (17 or newer) is not on PATH; S3Proxy, ElasticMQ and bucketflow need it"

# --- bucketflow: which of its commands exist. The download part cannot run without `download`;
# --- `retrieve` is optional (its rows then say why they were not measured).
bucketflow_commands() {
    "$BUCKETFLOW" --help 2>/dev/null | awk '/^Commands:/ { listing = 1; next } listing && NF { print $1 }'
}

RETRIEVE_MISSING=
if [[ $RUN_BUCKETFLOW -eq 1 ]]; then
    [[ -x $BUCKETFLOW ]] || die "no executable $BUCKETFLOW (--bucketflow PATH); measure the peers alone with --peers-only"
    launcher_root=$(cd "$(dirname "$BUCKETFLOW")/.." && pwd)
    [[ -f $launcher_root/job/target/bucketflow.jar ]] ||
        die "the job jar $launcher_root/job/target/bucketflow.jar is not built; build it with: ./mvnw -B -q install -DskipTests"
    offered=$(bucketflow_commands | paste -sd " " -)
    if [[ " $offered " != *" download "* ]] || ! "$BUCKETFLOW" download --help >/dev/null 2>&1; then
        die "$BUCKETFLOW has no 'download' command (it offers: ${offered:-nothing}), so bucketflow's download cannot be measured; measure the peers alone with --peers-only"
    fi
    if [[ $RUN_RETRIEVE -eq 0 ]]; then
        RETRIEVE_MISSING="not measured: --no-retrieve"
    elif [[ " $offered " != *" retrieve "* ]] || ! "$BUCKETFLOW" retrieve --help >/dev/null 2>&1; then
        RETRIEVE_MISSING="not measured: \`bucketflow retrieve --help\` failed (no retrieve command yet)"
    fi
else
    RETRIEVE_MISSING="not measured (peers-only run)"
fi

mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
STORE_DIR="$WORK_DIR/s3-store"
DOWNLOADS_DIR="$WORK_DIR/downloads"
LOG_DIR="$WORK_DIR/logs"
RUNS_TSV="$WORK_DIR/runs.tsv"
SEED_TIMES="$WORK_DIR/seed-times.tsv"
mkdir -p "$DOWNLOADS_DIR" "$LOG_DIR"
[[ $STORE == memory ]] || mkdir -p "$STORE_DIR/$BUCKET"
rm -rf "${DOWNLOADS_DIR:?}"/* "${LOG_DIR:?}"/*
: >"$SEED_TIMES"

# One contender's download is on disk at a time, next to the filesystem store (if that is the store).
copies=2
[[ $STORE == filesystem ]] || copies=1
needed_kb=0
for class in $CLASSES; do
    needed_kb=$((needed_kb + copies * $(class_count "$class") * ($(class_size "$class") / 1024 + 4)))
done
available_kb=$(df -Pk "$WORK_DIR" | awk 'NR == 2 { print $4 }')
((available_kb > needed_kb + 1048576)) ||
    die "$WORK_DIR has $((available_kb / 1048576)) GiB free; this run needs about $((needed_kb / 1048576 + 1)) GiB (the objects $([[ $STORE == filesystem ]] && echo "once in the store and ")once downloaded)"

# The in-memory store (jimfs inside S3Proxy's heap) holds every class at once. Completing a multipart
# upload copies its parts into the object, and jimfs keeps freed blocks for reuse, so while the
# large objects go up (one at a time, before the small ones) the store peaks at the large class plus
# one large object. S3Proxy's heap is that peak plus 1 GiB; jimfs refuses more than 4 GiB.
S3PROXY_HEAP_MB=1024
if [[ $STORE == memory ]]; then
    store_bytes=0
    for class in $CLASSES; do
        store_bytes=$((store_bytes + $(class_count "$class") * $(class_size "$class")))
    done
    [[ $RUN_BUCKETFLOW -eq 0 ]] || store_bytes=$((store_bytes + $(class_count warmup) * $(class_size warmup)))
    peak_bytes=$store_bytes
    if [[ " $CLASSES " == *" large "* ]] && ((LARGE_BYTES >= 8 << 20)); then
        large_peak=$((LARGE_COUNT * LARGE_BYTES + LARGE_BYTES))
        ((large_peak <= peak_bytes)) || peak_bytes=$large_peak
    fi
    ((peak_bytes <= (4 << 30) - (64 << 20))) ||
        die "the in-memory store would need $((peak_bytes >> 20)) MiB, more than jimfs's 4 GiB; use fewer or smaller objects or --store filesystem"
    S3PROXY_HEAP_MB=$(((peak_bytes + (1 << 30) + (1 << 20) - 1) >> 20))
    available_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
    ((available_mb > S3PROXY_HEAP_MB + 2048)) ||
        die "S3Proxy's in-memory store needs a ${S3PROXY_HEAP_MB} MiB heap and the machine has ${available_mb} MiB available; use --store filesystem"
fi

# Dummy credentials and an isolated AWS configuration for every client (aws-cli, bucketflow's SDK
# default chain): nothing may wander off to a real account or the instance metadata service.
export AWS_ACCESS_KEY_ID=$S3_IDENTITY AWS_SECRET_ACCESS_KEY=$S3_CREDENTIAL AWS_REGION=$REGION AWS_DEFAULT_REGION=$REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_SQS
# Every endpoint is plain HTTP on 127.0.0.1; rclone 1.60 refuses to start at all when AWS_CA_BUNDLE
# is set ("LoadCustomCABundleError: ... unsupported transport").
unset AWS_CA_BUNDLE

# --- Filesystem store: seed the objects straight into its directory, outside every timed region; a
# --- store that already holds this exact set (its stamp matches) is reused. (The in-memory store is
# --- filled through S3Proxy once it runs, see upload_class.)
seed_class() { # class
    local class=$1 count size stamp manifest expected
    count=$(class_count "$class")
    size=$(class_size "$class")
    stamp="$WORK_DIR/seed-$class.json"
    manifest="$WORK_DIR/manifest-$class.tsv"
    expected=$(printf '{"bucket": "%s", "count": %d, "format": 1, "prefix": "%s/", "size": %d}' \
        "$BUCKET" "$count" "$class" "$size")
    if [[ $RESEED -eq 0 && -f $manifest && -f $stamp && $(cat "$stamp") == "$expected" ]]; then
        echo "Reusing the $count $class objects of $size bytes already in $STORE_DIR/$BUCKET/$class/" >&2
        return
    fi
    echo "Seeding $count $class objects of $size bytes into $STORE_DIR/$BUCKET/$class/ ..." >&2
    rm -rf "${STORE_DIR:?}/$BUCKET/$class" "$stamp" "$manifest"
    local started
    started=$(date +%s.%N)
    $SYSTEM_PYTHON "$BENCH_DIR/download_data.py" seed --basedir "$STORE_DIR" --bucket "$BUCKET" \
        --prefix "$class/" --count "$count" --size "$size" --manifest "$manifest" --stamp "$stamp"
    printf '%s\t%s\t%s\t%s\tfile\t\n' "$class" "$count" "$size" \
        "$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" >>"$SEED_TIMES"
}
if [[ $STORE == filesystem ]]; then
    for class in $CLASSES; do
        seed_class "$class"
    done
    [[ $RUN_BUCKETFLOW -eq 0 ]] || seed_class warmup
fi

# --- Servers: S3Proxy (its own main class, in-memory or filesystem store) and, for bucketflow,
# --- ElasticMQ (a single-file launcher), both on the classpath of the connectors' tests, at the
# --- versions of the root pom; with --link shaped, ShapedLinkProxy in front of both.
CLASSPATH_FILE="$WORK_DIR/server-classpath.txt"
echo "Resolving the S3Proxy and ElasticMQ classpath (connectors' test classpath) ..." >&2
if ! (cd "$REPO_DIR" && ./mvnw -B -q -o dependency:build-classpath -pl connectors \
        -Dmdep.outputFile="$CLASSPATH_FILE" >"$LOG_DIR/classpath.log" 2>&1); then
    (cd "$REPO_DIR" && ./mvnw -B -q dependency:build-classpath -pl connectors \
        -Dmdep.outputFile="$CLASSPATH_FILE" >"$LOG_DIR/classpath.log" 2>&1) ||
        die "could not resolve the connectors' test classpath; see $LOG_DIR/classpath.log"
fi
SERVER_CLASSPATH=$(cat "$CLASSPATH_FILE")
S3PROXY_VERSION=$(tr ':' '\n' <"$CLASSPATH_FILE" | sed -n 's#.*/s3proxy-\([^/]*\)\.jar$#\1#p' | head -1)
ELASTICMQ_VERSION=$(tr ':' '\n' <"$CLASSPATH_FILE" | sed -n 's#.*/elasticmq-rest-sqs_2.13-\([^/]*\)\.jar$#\1#p' | head -1)
[[ -n $S3PROXY_VERSION ]] || die "S3Proxy is not on the connectors' test classpath ($CLASSPATH_FILE)"

S3PROXY_PID=
SQS_PID=
LINK_PID=
stop_servers() {
    local pid
    for pid in $LINK_PID $S3PROXY_PID $SQS_PID; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

free_port() {
    $SYSTEM_PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

: >"$WORK_DIR/rclone.conf" # rclone takes its remote from RCLONE_CONFIG_BENCH_* variables alone
# S3PROXY_URL and ELASTICMQ_URL are the servers themselves; S3_ENDPOINT and SQS_ENDPOINT are what the
# clients use: the same with --link loopback, the shaped link's ports with --link shaped.
S3_PORT=$(free_port)
S3PROXY_URL="http://127.0.0.1:$S3_PORT"
if [[ $STORE == memory ]]; then
    store_properties="jclouds.provider=transient-nio2"
    store_text="in-memory store, ${S3PROXY_HEAP_MB} MiB heap"
else
    store_properties="jclouds.provider=filesystem
jclouds.filesystem.basedir=$STORE_DIR"
    store_text="filesystem store $STORE_DIR"
fi
cat >"$WORK_DIR/s3proxy.properties" <<EOF
s3proxy.endpoint=$S3PROXY_URL
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_IDENTITY
s3proxy.credential=$S3_CREDENTIAL
$store_properties
EOF
echo "Starting S3Proxy $S3PROXY_VERSION ($store_text) at $S3PROXY_URL ..." >&2
java "-Xmx${S3PROXY_HEAP_MB}m" -Dorg.apache.logging.log4j.level=WARN -cp "$SERVER_CLASSPATH" org.gaul.s3proxy.Main \
    --properties "$WORK_DIR/s3proxy.properties" >"$LOG_DIR/s3proxy.log" 2>&1 &
S3PROXY_PID=$!
deadline=$((SECONDS + 120))
until [[ $(curl -s -o /dev/null -w '%{http_code}' "$S3PROXY_URL/" || true) =~ ^[1-5][0-9][0-9]$ ]]; do
    kill -0 "$S3PROXY_PID" 2>/dev/null || die "S3Proxy exited; see $LOG_DIR/s3proxy.log"
    ((SECONDS < deadline)) || die "S3Proxy did not answer within 120 s; see $LOG_DIR/s3proxy.log"
    sleep 0.2
done

# --- In-memory store: upload the objects through S3Proxy itself (directly, not through the shaped
# --- link) with boto3, outside every timed region: the large class first, one object at a time as
# --- multipart uploads (8 MiB threshold, 16 MiB parts in parallel), so that the store's peak stays
# --- the large class plus one object (see S3PROXY_HEAP_MB), then the small objects from
# --- --seed-threads threads. The manifests are written as seed's.
upload_class() { # class
    local class=$1 count size
    count=$(class_count "$class")
    size=$(class_size "$class")
    echo "Uploading $count $class objects of $size bytes to $S3PROXY_URL/$BUCKET/$class/ with boto3 ..." >&2
    rm -f "$WORK_DIR/manifest-$class.tsv" "$WORK_DIR/seed-$class.json"
    $SYSTEM_PYTHON "$BENCH_DIR/download_data.py" upload --endpoint "$S3PROXY_URL" --bucket "$BUCKET" \
        --prefix "$class/" --count "$count" --size "$size" --manifest "$WORK_DIR/manifest-$class.tsv" \
        --threads "$SEED_THREADS" --multipart-threshold $((8 << 20)) --part-size $((16 << 20)) \
        --times "$SEED_TIMES" 2>>"$LOG_DIR/upload.log" || die "could not upload the $class objects; see $LOG_DIR/upload.log"
    tail -1 "$LOG_DIR/upload.log" | sed 's/^/  /' >&2
}
if [[ $STORE == memory ]]; then
    for class in large small; do
        [[ " $CLASSES " != *" $class "* ]] || upload_class "$class"
    done
    [[ $RUN_BUCKETFLOW -eq 0 ]] || upload_class warmup
fi

if [[ $RUN_BUCKETFLOW -eq 1 ]]; then
    rm -f "$WORK_DIR/elasticmq.port"
    echo "Starting ElasticMQ $ELASTICMQ_VERSION ..." >&2
    java -Xmx512m -Dorg.apache.logging.log4j.level=WARN -cp "$SERVER_CLASSPATH" \
        "$BENCH_DIR/servers/ElasticMqServer.java" "$WORK_DIR/elasticmq.port" 0 "$SQS_WARM_UP_MESSAGES" \
        >"$LOG_DIR/elasticmq.log" 2>&1 &
    SQS_PID=$!
    deadline=$((SECONDS + 120 + SQS_WARM_UP_MESSAGES / 100))
    while [[ ! -s $WORK_DIR/elasticmq.port ]]; do
        kill -0 "$SQS_PID" 2>/dev/null || die "ElasticMQ exited; see $LOG_DIR/elasticmq.log"
        ((SECONDS < deadline)) || die "ElasticMQ did not start and warm up in time; see $LOG_DIR/elasticmq.log"
        sleep 0.2
    done
    ELASTICMQ_URL="http://127.0.0.1:$(cat "$WORK_DIR/elasticmq.port")"
    echo "ElasticMQ at $ELASTICMQ_URL" >&2
fi

S3_ENDPOINT=$S3PROXY_URL
SQS_ENDPOINT=${ELASTICMQ_URL:-}
if [[ $LINK == shaped ]]; then
    # One proxy process carries both links (its CPU is one figure): the first port leads to S3Proxy,
    # the second to ElasticMQ.
    link_targets=("127.0.0.1:$S3_PORT")
    [[ -z ${ELASTICMQ_URL:-} ]] || link_targets+=("${ELASTICMQ_URL#http://}")
    rm -f "$WORK_DIR/link.ports"
    echo "Starting the shaped link (+${RTT_MS} ms round trip, ${LINK_MBPS} MB/s per connection and direction) ..." >&2
    java -Xmx256m -XX:+UseSerialGC "$BENCH_DIR/servers/ShapedLinkProxy.java" \
        --delay-ms "$(awk -v rtt="$RTT_MS" 'BEGIN { print rtt / 2 }')" --rate-mb-s "$LINK_MBPS" \
        --port-file "$WORK_DIR/link.ports" "${link_targets[@]}" >"$LOG_DIR/link.stdout" 2>"$LOG_DIR/link.log" &
    LINK_PID=$!
    deadline=$((SECONDS + 60))
    while [[ ! -s $WORK_DIR/link.ports ]]; do
        kill -0 "$LINK_PID" 2>/dev/null || die "the shaped link exited; see $LOG_DIR/link.log"
        ((SECONDS < deadline)) || die "the shaped link did not start within 60 s; see $LOG_DIR/link.log"
        sleep 0.2
    done
    mapfile -t link_ports <"$WORK_DIR/link.ports"
    S3_ENDPOINT="http://127.0.0.1:${link_ports[0]}"
    [[ -z ${ELASTICMQ_URL:-} ]] || SQS_ENDPOINT="http://127.0.0.1:${link_ports[1]}"
    echo "Clients use S3 at $S3_ENDPOINT${SQS_ENDPOINT:+ and SQS at $SQS_ENDPOINT} (the shaped link)" >&2
fi

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

# --- Check what S3Proxy serves and warm it up, outside every timed region: the listing must show
# --- every object, a sample of GETs must come back with the right bytes, and the objects are read
# --- once so that every contender finds them in the page cache alike.
warm_up_class() { # class
    local class=$1 count listed sample_file
    count=$(class_count "$class")
    echo "Checking and warming up $class: listing, sample GETs, page cache ..." >&2
    listed=$($SYSTEM_AWS s3 ls --recursive "s3://$BUCKET/$class/" --endpoint-url "$S3_ENDPOINT" | wc -l)
    [[ $listed -eq $count ]] || die "S3Proxy lists $listed objects under s3://$BUCKET/$class/, expected $count; see $LOG_DIR/s3proxy.log"
    sample_file="$WORK_DIR/sample-$class.tsv"
    # Up to 200 small objects spread over the class, or the first large one, fetched with curl's
    # SigV4 signing (no peer involved), through the clients' endpoint (the shaped link warms up too).
    local samples=200
    [[ $class == small ]] || samples=1
    awk -v count="$count" -v samples="$samples" 'BEGIN { step = count > samples ? int(count / samples) : 1 }
        (NR - 1) % step == 0' "$WORK_DIR/manifest-$class.tsv" | head -"$samples" >"$sample_file"
    while IFS=$'\t' read -r key size digest; do
        # curl 7.88 signs without the payload hash header S3 (and S3Proxy) require.
        got=$(curl -sf --aws-sigv4 "aws:amz:$REGION:s3" --user "$S3_IDENTITY:$S3_CREDENTIAL" \
            -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$S3_ENDPOINT/$BUCKET/$key" |
            sha256sum | cut -d' ' -f1) ||
            die "GET s3://$BUCKET/$key failed; see $LOG_DIR/s3proxy.log"
        [[ $got == "$digest" ]] || die "GET s3://$BUCKET/$key returned other bytes than were seeded"
    done <"$sample_file"
    read_into_page_cache "$class"
}
read_into_page_cache() { # class (the in-memory store has no files to read)
    [[ $STORE == memory ]] || find "$STORE_DIR/$BUCKET/$1" -type f -print0 | xargs -0 cat >/dev/null
}
for class in $CLASSES; do
    warm_up_class "$class"
done

RUN_COLUMNS="class\ttool\tparallelism\tphase\tstatus\texpected_objects\texpected_bytes\tfiles\tbytes\tmissing\textra\twrong\tlayout\twall_s\tmax_rss_kb\tuser_s\tsys_s\ts3proxy_cpu_s\tsqs_cpu_s\tlink_cpu_s\tnote\tcommand\tlast_file_s"
printf '%b\n' "$RUN_COLUMNS" >"$RUNS_TSV"

record() { # class tool parallelism phase status files bytes missing extra wrong layout times s3cpu sqscpu linkcpu note command [last_file_s]
    local class=$1
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" \
        "$(class_count "$class")" "$(($(class_count "$class") * $(class_size "$class")))" \
        "$6" "$7" "$8" "$9" "${10}" "${11}" "${12}" "${13}" "${14}" "${15}" "${16}" "${17}" "${18:-}" >>"$RUNS_TSV"
}

not_measured() { # class tool parallelism phase note
    record "$1" "$2" "$3" "$4" "not measured" "" "" "" "" "" "" $'\t\t\t' "" "" "" "$5" ""
}

# Waits until the work directory's disk has written and discarded nothing for 3 s (at most 2
# minutes): deleting an earlier run's 20,000 files and gigabytes goes on in the kernel after rm and
# sync return, and made the first contenders' file creation slower than the later ones'.
WORK_DEVICE=$(df -P "$WORK_DIR" | awk 'NR == 2 { sub("^/dev/", "", $1); print $1 }')
settle_disk() {
    local previous="" current quiet=0 deadline=$((SECONDS + 120))
    grep -qw "$WORK_DEVICE" /proc/diskstats 2>/dev/null || return 0
    while ((quiet < 3 && SECONDS < deadline)); do
        current=$(awk -v device="$WORK_DEVICE" '$3 == device { print $8, $10, $12, $15 }' /proc/diskstats)
        if [[ $current == "$previous" ]]; then quiet=$((quiet + 1)); else quiet=0; fi
        previous=$current
        sleep 1
    done
}

# Makes a fresh, empty destination and settles the disk: earlier runs' writes are flushed (and,
# with --drop-caches, the page cache emptied; with --clean-page-cache, emptied and then filled with
# the class's objects alone) before the clock starts.
fresh_destination() { # dir class
    rm -rf "$1"
    mkdir -p "$1"
    sync
    settle_disk
    if [[ $PAGE_CACHE != warm ]]; then
        echo 3 >/proc/sys/vm/drop_caches
    fi
    if [[ $PAGE_CACHE == clean ]]; then
        read_into_page_cache "$2"
    fi
}

# Runs one command under GNU time with a timeout; sets RUN_STATUS, RUN_TIMES (wall, max RSS, user,
# sys), RUN_S3_CPU, RUN_SQS_CPU (the servers' CPU during the run), RUN_LINK_CPU (the shaped link's;
# empty with --link loopback) and RUN_COMMAND.
timed_run() { # name command...
    local name=$1
    shift
    local time_file="$LOG_DIR/$name.time" s3_before sqs_before link_before
    RUN_COMMAND=$(printf '%q ' "$@")
    RUN_COMMAND=${RUN_COMMAND% }
    RUN_COMMAND=${RUN_COMMAND//$WORK_DIR/\$WORK}
    RUN_COMMAND=${RUN_COMMAND//$REPO_DIR\//}
    echo "  $name: $RUN_COMMAND" >&2
    s3_before=$(process_cpu_s "$S3PROXY_PID")
    sqs_before=$(process_cpu_s "$SQS_PID")
    link_before=$(process_cpu_s "$LINK_PID")
    RUN_STATUS=ok
    RUN_START=$(date +%s.%N)
    if ! timeout -k 10 "$TIMEOUT_S" "$GNU_TIME" -f '%e %M %U %S' -o "$time_file" "$@" \
            >"$LOG_DIR/$name.stdout" 2>"$LOG_DIR/$name.stderr"; then
        RUN_STATUS="failed (see logs/$name.stderr)"
    fi
    RUN_S3_CPU=$(awk -v a="$s3_before" -v b="$(process_cpu_s "$S3PROXY_PID")" 'BEGIN { printf "%.2f", b - a }')
    RUN_SQS_CPU=$(awk -v a="$sqs_before" -v b="$(process_cpu_s "$SQS_PID")" 'BEGIN { printf "%.2f", b - a }')
    RUN_LINK_CPU=
    [[ -z $LINK_PID ]] ||
        RUN_LINK_CPU=$(awk -v a="$link_before" -v b="$(process_cpu_s "$LINK_PID")" 'BEGIN { printf "%.2f", b - a }')
    RUN_TIMES=$(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$time_file" | tail -1 | tr ' ' '\t' || true)
    [[ -n $RUN_TIMES ]] || RUN_TIMES=$'\t\t\t'
}

# Checks a download against the class's manifest (outside the timed region) and records the run;
# then deletes the download, or with --keep-downloads drops it from the page cache.
check_and_record() { # class tool parallelism dir note
    local class=$1 tool=$2 parallelism=$3 dir=$4 note=$5 check files bytes missing extra wrong layout last_file
    echo "    checking $dir ..." >&2
    check=$($SYSTEM_PYTHON "$BENCH_DIR/download_data.py" verify --dir "$dir" \
        --manifest "$WORK_DIR/manifest-$class.tsv" --bucket "$BUCKET" --prefix "$class/" \
        2>>"$LOG_DIR/verify.log") || die "could not check $dir; see $LOG_DIR/verify.log"
    IFS=$'\t' read -r files bytes missing extra wrong layout <<<"$check"
    if [[ $RUN_STATUS == ok ]]; then
        if ((missing > 0 || extra > 0)); then
            RUN_STATUS="INCOMPLETE (see logs/verify.log)"
        elif ((wrong > 0)); then
            RUN_STATUS="WRONG BYTES (see logs/verify.log)"
        fi
    fi
    # For bucketflow download, when its last file was put in place, from the command's start: the newest
    # modification time (download keeps the time of writing; the peers and retrieve set S3's instead).
    last_file=
    if [[ $tool == bucketflow ]]; then
        last_file=$(find "$dir" -type f -printf '%T@\n' | sort -n | tail -1)
        [[ -z $last_file ]] || last_file=$(awk -v a="$RUN_START" -v b="$last_file" 'BEGIN { printf "%.2f", b - a }')
    fi
    record "$class" "$tool" "$parallelism" download "$RUN_STATUS" "$files" "$bytes" "$missing" "$extra" \
        "$wrong" "$layout" "$RUN_TIMES" "$RUN_S3_CPU" "$RUN_SQS_CPU" "$RUN_LINK_CPU" "$note" "$RUN_COMMAND" "$last_file"
    if [[ $KEEP_DOWNLOADS -eq 1 ]]; then
        # Kept, but out of the page cache, so that the next contender finds memory as this one did.
        sync
        $SYSTEM_PYTHON "$BENCH_DIR/download_data.py" evict --dir "$dir" >/dev/null ||
            die "could not drop $dir from the page cache"
    else
        rm -rf "$dir"
    fi
}

sqs() {
    $SYSTEM_AWS sqs --endpoint-url "$SQS_ENDPOINT" "$@"
}

# Creates a queue and prints its URL on the clients' endpoint: ElasticMQ names its own port in the
# URLs it gives, and a client may send its requests to the queue URL (with --link shaped they must
# go through the link, as SQS's queue URLs name the endpoint the client reaches).
create_queue() { # create-queue options...
    local url
    url=$(sqs create-queue "$@" --query QueueUrl --output text)
    [[ $url =~ ^https?://[^/]+(/.*)$ ]] || die "ElasticMQ answered create-queue with '$url'"
    echo "$SQS_ENDPOINT${BASH_REMATCH[1]}"
}

queue_messages() { # url -> "visible in-flight"
    # shellcheck disable=SC2016 # backticks are a JMESPath literal, not a command substitution
    sqs get-queue-attributes --queue-url "$1" --output text \
        --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible \
        --query 'join(`" "`, [Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible])'
}

# A reference, not a download: how long S3Proxy takes to list the class (it walks the whole prefix
# directory for every 1,000-key page), which aws-cli and rclone pay inside their downloads and
# bucketflow inside `enqueue`.
run_listing_reference() { # class
    local class=$1 listed
    timed_run "$class-listing" $SYSTEM_AWS s3 ls --recursive "s3://$BUCKET/$class/" --endpoint-url "$S3_ENDPOINT"
    listed=$(wc -l <"$LOG_DIR/$class-listing.stdout")
    if [[ $RUN_STATUS == ok && $listed -ne $(class_count "$class") ]]; then
        RUN_STATUS="WRONG COUNT ($listed keys listed)"
    fi
    record "$class" listing 1 listing "$RUN_STATUS" "$listed" "" "" "" "" "" "$RUN_TIMES" "$RUN_S3_CPU" \
        "$RUN_SQS_CPU" "$RUN_LINK_CPU" "a reference, not a download: the listing alone, which aws-cli and rclone do inside their downloads and bucketflow inside enqueue" \
        "$RUN_COMMAND"
}

run_awscli() { # class
    local class=$1 dest="$DOWNLOADS_DIR/$1-awscli"
    fresh_destination "$dest" "$class"
    timed_run "$class-awscli" $SYSTEM_AWS s3 cp --recursive "s3://$BUCKET/$class/" "$dest" \
        --endpoint-url "$S3_ENDPOINT" --only-show-errors
    check_and_record "$class" awscli 10 "$dest" "settings default: 10 concurrent requests, 8 MiB parts above 8 MiB"
}

run_rclone() { # class
    local class=$1 dest="$DOWNLOADS_DIR/$1-rclone"
    fresh_destination "$dest" "$class"
    timed_run "$class-rclone" env RCLONE_CONFIG="$WORK_DIR/rclone.conf" RCLONE_CONFIG_BENCH_TYPE=s3 \
        RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENDPOINT="$S3_ENDPOINT" \
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$S3_IDENTITY" RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$S3_CREDENTIAL" \
        RCLONE_CONFIG_BENCH_REGION="$REGION" RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
        $SYSTEM_RCLONE copy --transfers "$RCLONE_TRANSFERS" --checkers "$RCLONE_CHECKERS" "bench:$BUCKET/$class" "$dest"
    check_and_record "$class" rclone "$RCLONE_TRANSFERS" "$dest" \
        "--transfers $RCLONE_TRANSFERS --checkers $RCLONE_CHECKERS; other settings default (4 streams per file above 250 MiB, MD5 checked against single-part ETags)"
}

CRT_PART_MIB=8 CRT_TARGET_GBPS=10 CRT_CONNECTIONS=32
run_crt() { # class
    local class=$1 dest="$DOWNLOADS_DIR/$1-crt" classes="$WORK_DIR/crt-classes"
    local classpath="$REPO_DIR/job/target/bucketflow.jar:$REPO_DIR/job/target/lib/*"
    if [[ ! -f $classes/CrtS3Copy.class ]]; then # compiled once, outside every timed region
        mkdir -p "$classes"
        javac -nowarn -d "$classes" -cp "$classpath" "$BENCH_DIR/peers/CrtS3Copy.java" 2>"$LOG_DIR/crt-javac.log" ||
            die "could not compile peers/CrtS3Copy.java (needs a built job/target); see $LOG_DIR/crt-javac.log"
    fi
    fresh_destination "$dest" "$class"
    timed_run "$class-crt" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classes:$classpath" CrtS3Copy \
        "$S3_ENDPOINT" "$BUCKET" "$class/" "$dest" "$CRT_PART_MIB" "$CRT_TARGET_GBPS" "$CRT_CONNECTIONS"
    check_and_record "$class" crt "$CRT_CONNECTIONS" "$dest" \
        "the AWS SDK's CRT-based S3 client: ${CRT_PART_MIB} MiB parts, target ${CRT_TARGET_GBPS} Gbps, ${CRT_CONNECTIONS} connections, getObject(request, path) writing in native code, checksum mode on, If-Match the listed ETag"
}

run_bucketflow() { # class parallelism
    local class=$1 n=$2 dest="$DOWNLOADS_DIR/$1-bucketflow-p$2" queue_name queue_url queued left
    local attributes=()
    queue_name="bench-$class-p$n-$(date +%s)"
    [[ -z $VISIBILITY_TIMEOUT_S ]] || attributes=(--attributes "VisibilityTimeout=$VISIBILITY_TIMEOUT_S")
    queue_url=$(create_queue --queue-name "$queue_name" "${attributes[@]}")

    timed_run "$class-bucketflow-p$n-enqueue" "$BUCKETFLOW" enqueue --bucket "$BUCKET" --prefix "$class/" \
        --queue-url "$queue_url" --s3-endpoint "$S3_ENDPOINT" --sqs-endpoint "$SQS_ENDPOINT" \
        --region "$REGION" $(parallelism_flag "$n")
    queued=$(queue_messages "$queue_url" | cut -d' ' -f1)
    if [[ $RUN_STATUS == ok && $queued != "$(class_count "$class")" ]]; then
        RUN_STATUS="WRONG COUNT ($queued messages queued)"
    fi
    record "$class" bucketflow "$n" enqueue "$RUN_STATUS" "$queued" "" "" "" "" "" "$RUN_TIMES" \
        "$RUN_S3_CPU" "$RUN_SQS_CPU" "$RUN_LINK_CPU" "messages in the queue afterwards: $queued" "$RUN_COMMAND"

    fresh_destination "$dest" "$class"
    local concurrency=()
    [[ -z $MAX_CONCURRENT_DOWNLOADS ]] || concurrency=(--max-concurrent-downloads "$MAX_CONCURRENT_DOWNLOADS")
    timed_run "$class-bucketflow-p$n-download" "$BUCKETFLOW" download --queue-url "$queue_url" \
        --download-dir "$dest" --s3-endpoint "$S3_ENDPOINT" --sqs-endpoint "$SQS_ENDPOINT" \
        --region "$REGION" $(parallelism_flag "$n") --stop-when-idle "$STOP_WHEN_IDLE" "${concurrency[@]}"
    left=$(queue_messages "$queue_url")
    check_and_record "$class" bucketflow "$n" "$dest" \
        "includes the ${IDLE_S} s idle wait; queue afterwards: ${left% *} visible, ${left#* } in flight"
    sqs delete-queue --queue-url "$queue_url" >/dev/null
}

run_retrieve() { # class parallelism
    local class=$1 n=$2 dest="$DOWNLOADS_DIR/$1-retrieve-p$2"
    fresh_destination "$dest" "$class"
    timed_run "$class-retrieve-p$n" "$BUCKETFLOW" retrieve --source "s3://$BUCKET/$class/" --dest "$dest" \
        --s3-endpoint "$S3_ENDPOINT" --region "$REGION" $(parallelism_flag "$n")
    check_and_record "$class" retrieve "$n" "$dest" ""
}

# --- bin/bucketflow records a class-data archive on the first successful run of each command and maps
# --- it on later runs (see bin/bucketflow), as Python keeps .pyc files for aws-cli. The archives are
# --- recorded afresh for this build, untimed, by one run of each command on the warmup class, as a
# --- user's first run would; --no-class-archives measures bucketflow without them.
export BUCKETFLOW_CDS_DIR="$WORK_DIR/class-archives"
warm_up_bucketflow() {
    local queue_url dest="$DOWNLOADS_DIR/warmup"
    rm -rf "$BUCKETFLOW_CDS_DIR"
    if [[ $CLASS_ARCHIVES -eq 0 ]]; then
        export BUCKETFLOW_CDS=off
        return
    fi
    echo "Recording bin/bucketflow's class-data archives: each command once on $WARMUP_COUNT objects (untimed) ..." >&2
    queue_url=$(create_queue --queue-name "bench-warmup-$(date +%s)")
    "$BUCKETFLOW" enqueue --bucket "$BUCKET" --prefix warmup/ --queue-url "$queue_url" \
        --s3-endpoint "$S3_ENDPOINT" --sqs-endpoint "$SQS_ENDPOINT" --region "$REGION" \
        >"$LOG_DIR/warmup-enqueue.log" 2>&1 || die "warm-up enqueue failed; see $LOG_DIR/warmup-enqueue.log"
    "$BUCKETFLOW" download --queue-url "$queue_url" --download-dir "$dest-download" --s3-endpoint "$S3_ENDPOINT" \
        --sqs-endpoint "$SQS_ENDPOINT" --region "$REGION" --stop-when-idle 1s \
        >"$LOG_DIR/warmup-download.log" 2>&1 || die "warm-up download failed; see $LOG_DIR/warmup-download.log"
    sqs delete-queue --queue-url "$queue_url" >/dev/null
    if [[ -z $RETRIEVE_MISSING ]]; then
        "$BUCKETFLOW" retrieve --source "s3://$BUCKET/warmup/" --dest "$dest-retrieve" --s3-endpoint "$S3_ENDPOINT" \
            --region "$REGION" >"$LOG_DIR/warmup-retrieve.log" 2>&1 ||
            die "warm-up retrieve failed; see $LOG_DIR/warmup-retrieve.log"
    fi
    rm -rf "$dest-download" "$dest-retrieve"
    echo "  recorded: $(cd "$BUCKETFLOW_CDS_DIR" && ls -- *.jsa 2>/dev/null | paste -sd ' ' -)" >&2
}
[[ $RUN_BUCKETFLOW -eq 0 ]] || warm_up_bucketflow

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for class in $CLASSES; do
    echo "Class $class: $(class_count "$class") objects of $(class_size "$class") bytes in s3://$BUCKET/$class/" >&2
    run_listing_reference "$class"
    for peer in $PEERS; do
        "run_$peer" "$class"
    done
    for n in $PARALLELISMS; do
        if [[ $RUN_BUCKETFLOW -eq 1 ]]; then
            run_bucketflow "$class" "$n"
        else
            not_measured "$class" bucketflow "$n" enqueue "not measured yet (peers-only run)"
            not_measured "$class" bucketflow "$n" download "not measured yet (peers-only run)"
        fi
        if [[ -z $RETRIEVE_MISSING ]]; then
            run_retrieve "$class" "$n"
        else
            not_measured "$class" retrieve "$n" download "$RETRIEVE_MISSING"
        fi
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

$SYSTEM_PYTHON -B "$BENCH_DIR/write_download_results.py" --runs "$RUNS_TSV" --results "$RESULTS" \
    --command "$COMMAND_LINE" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" \
    --idle-s "$IDLE_S" --sqs-warm-up "$SQS_WARM_UP_MESSAGES" --s3proxy-version "$S3PROXY_VERSION" --elasticmq-version "${ELASTICMQ_VERSION:-?}" \
    --page-cache "$PAGE_CACHE" --class-archives "$CLASS_ARCHIVES" --aws "$SYSTEM_AWS" --rclone "$SYSTEM_RCLONE" --work-dir "$WORK_DIR" \
    --store "$STORE" --s3proxy-heap-mb "$S3PROXY_HEAP_MB" --link "$LINK" --rtt-ms "$RTT_MS" --link-mbps "$LINK_MBPS" \
    --seed-times "$SEED_TIMES"
echo "Wrote $RESULTS" >&2

if grep -qE $'\t(WRONG|INCOMPLETE|failed)' "$RUNS_TSV"; then
    echo "run-download-bench: some runs failed or downloaded the wrong objects; see $RESULTS" >&2
    exit 1
fi
