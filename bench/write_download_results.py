#!/usr/bin/env python3
"""Renders the download benchmark's runs (a TSV written by run-download-bench.sh) as markdown.

Adds what the raw numbers imply: objects/s and MB/s per contender and size class, the ratios to
aws-cli and rclone on the same class, bucketflow's download until its last object was in place, its enqueue
plus download end to end, and the machine the numbers come from.
"""

import argparse
import csv

from write_results import command_output, common_machine_facts, fmt, number

CLASS_TITLES = {"small": "Small objects", "large": "Large objects"}
# The scale the benchmark is meant to be read at: objects and bytes per object of each class.
DEFAULT_SCALE = {"small": (20000, 16 << 10), "large": (4, 512 << 20)}


def read_runs(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def label(run):
    tool, parallelism = run["tool"], run["parallelism"]
    if tool == "awscli":
        return "`aws s3 cp --recursive`"
    if tool == "rclone":
        return f"`rclone copy --transfers {parallelism}`"
    if tool == "crt":
        return f"AWS SDK CRT S3 client, `getObject(request, path)`, {parallelism} connections"
    if tool == "listing":
        return "listing only: `aws s3 ls --recursive` (reference)"
    if tool == "retrieve":
        return f"`bucketflow retrieve`, parallelism {parallelism}"
    return f"`bucketflow {run['phase']}`, parallelism {parallelism}"


def size_text(total_bytes):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if total_bytes >= scale and total_bytes % scale == 0:
            return f"{total_bytes // scale:,} {unit}"
    return f"{total_bytes:,} bytes"


class Row:
    """One line of a class's table: a measured command or a figure derived from measured ones."""

    def __init__(self, name, run, wall=None, rss_kb=None, cpu=None, s3_cpu=None, sqs_cpu=None, link_cpu=None,
                 status=None, comparable=True, files=None, note=""):
        self.name = name
        self.run = run
        self.objects = int(run["expected_objects"])
        self.bytes = int(run["expected_bytes"])
        self.wall = wall
        self.rss_kb = rss_kb
        self.cpu = cpu
        self.s3_cpu = s3_cpu
        self.sqs_cpu = sqs_cpu
        self.link_cpu = link_cpu
        self.status = status
        self.comparable = comparable
        self.files = files
        self.note = note

    @classmethod
    def measured(cls, run):
        wall = number(run["wall_s"])
        cpu = None
        if run["user_s"] and run["sys_s"]:
            cpu = float(run["user_s"]) + float(run["sys_s"])
        status = run["status"] if run["status"] != "not measured" else run["note"]
        note = run["note"] if run["status"] != "not measured" else ""
        return cls(label(run), run, wall=wall, rss_kb=number(run["max_rss_kb"]), cpu=cpu,
                   s3_cpu=number(run["s3proxy_cpu_s"]), sqs_cpu=number(run.get("sqs_cpu_s") or ""),
                   link_cpu=number(run.get("link_cpu_s") or ""), status=status,
                   comparable=run["phase"] == "download", files=run["files"], note=note)

    @property
    def ok(self):
        return self.status == "ok" and bool(self.wall)

    def rate(self):
        return self.objects / self.wall if self.ok else None

    def megabytes_per_s(self):
        return self.bytes / self.wall / 1e6 if self.ok and self.comparable else None


def bucketflow_derived(enqueue, download, idle_s):
    """The download until its last object was in place, and enqueue + download end to end."""
    rows = []
    if not (enqueue.ok and download.ok):
        return rows
    parallelism = download.run["parallelism"]
    last_file_s = number(download.run.get("last_file_s") or "")
    if last_file_s:
        rows.append(Row(f"`bucketflow download`, parallelism {parallelism}, until its last object was in place",
                        download.run, wall=last_file_s, status="ok", files=download.files,
                        note=f"measured: from the command's start to the newest file's modification time; the rest "
                             f"of its wall time is the wait for an idle queue (--stop-when-idle {idle_s:g}s, which "
                             f"runs while the last downloads do) and the job's shutdown"))
    rows.append(Row(f"`bucketflow enqueue` + `download`, parallelism {parallelism}", download.run,
                    wall=enqueue.wall + download.wall, rss_kb=max(enqueue.rss_kb or 0, download.rss_kb or 0),
                    cpu=(enqueue.cpu or 0) + (download.cpu or 0),
                    s3_cpu=(enqueue.s3_cpu or 0) + (download.s3_cpu or 0),
                    sqs_cpu=(enqueue.sqs_cpu or 0) + (download.sqs_cpu or 0),
                    link_cpu=None if enqueue.link_cpu is None and download.link_cpu is None
                    else (enqueue.link_cpu or 0) + (download.link_cpu or 0),
                    status="ok", files=download.files,
                    note="derived: both commands one after the other, as a backfill would run them"))
    return rows


def class_rows(runs, idle_s):
    rows = []
    enqueue_by_parallelism = {}
    for run in runs:
        row = Row.measured(run)
        rows.append(row)
        if run["tool"] == "bucketflow" and run["phase"] == "enqueue":
            enqueue_by_parallelism[run["parallelism"]] = row
        elif run["tool"] == "bucketflow" and run["phase"] == "download":
            enqueue = enqueue_by_parallelism.get(run["parallelism"])
            if enqueue is not None:
                rows.extend(bucketflow_derived(enqueue, row, idle_s))
    return rows


def peer_rate(rows, tool):
    for row in rows:
        if row.run["tool"] == tool and row.ok:
            return row.rate()
    return None


def ratio(row, base):
    if not row.comparable or base is None or row.rate() is None:
        return "-"
    return fmt(row.rate() / base, 2, "x")


def render_class(class_name, runs, idle_s, shaped):
    first = runs[0]
    objects, total = int(first["expected_objects"]), int(first["expected_bytes"])
    rows = class_rows(runs, idle_s)
    aws_rate, rclone_rate = peer_rate(rows, "awscli"), peer_rate(rows, "rclone")
    lines = [
        f"## {CLASS_TITLES.get(class_name, class_name)}: {objects:,} x {size_text(total // objects)} "
        f"(`s3://bench/{class_name}/`, {total / 1e9:,.2f} GB)",
        "",
        "| Contender | Files | Wall s | Objects/s | MB/s | vs aws-cli | vs rclone | Peak RSS MiB | CPU s "
        "| S3Proxy CPU s | ElasticMQ CPU s " + ("| Link CPU s " if shaped else "") + "| Status |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if shaped else "") + "---|",
    ]
    notes = []
    for row in rows:
        files = f"{int(row.files):,}" if row.files not in (None, "") else "-"
        rate = row.rate()
        rate_digits = 0 if rate is None or rate >= 100 else 1 if rate >= 10 else 2
        lines.append(
            f"| {row.name} | {files} | {fmt(row.wall)} | {fmt(rate, rate_digits)} | {fmt(row.megabytes_per_s(), 1)} "
            f"| {ratio(row, aws_rate)} | {ratio(row, rclone_rate)} "
            f"| {fmt(row.rss_kb / 1024 if row.rss_kb else None, 0)} | {fmt(row.cpu, 1)} "
            f"| {fmt(row.s3_cpu, 1)} | {fmt(row.sqs_cpu if row.run['tool'] == 'bucketflow' else None, 1)} "
            + (f"| {fmt(row.link_cpu, 1)} " if shaped else "")
            + f"| {row.status} |")
        if row.note:
            notes.append(f"- {row.name}: {row.note}.")
    lines += [""]
    if notes:
        lines += notes + [""]
    commands = [run for run in runs if run["command"]]
    if commands:
        lines += ["Commands as run (`$WORK` is the work directory, ports are this run's):", "", "```"]
        lines += [run["command"] for run in commands]
        lines += ["```", ""]
    return lines


def render(args):
    runs = read_runs(args.runs)
    classes = list(dict.fromkeys(run["class"] for run in runs))
    cache_text = {
        "dropped": "the page cache was dropped before every timed command, so S3Proxy read the objects from disk",
        "clean": "before every timed command the page cache was dropped and the class's objects read back into "
                 "it, so every contender started with the same memory, none of it held by earlier runs' files, "
                 "and S3Proxy served the objects from the page cache",
        "warm": "the objects were read once beforehand, so S3Proxy served them from the page cache to every "
                "contender alike",
    }[args.page_cache]
    if args.store == "memory":
        cache_text = {
            "dropped": "S3Proxy served the objects from its heap, and the page cache was dropped before every timed "
                       "command",
            "clean": "S3Proxy served the objects from its heap, and the page cache was dropped before every timed "
                     "command, so every contender started with the same memory, none of it held by earlier runs' files",
            "warm": "S3Proxy served the objects from its heap to every contender alike",
        }[args.page_cache]
    store_text = (
        f"in-memory store (`transient-nio2`, {args.s3proxy_heap_mb:,} MiB heap), filled through S3Proxy with "
        f"boto3 before anything was timed: objects of 8 MiB or more as multipart uploads of 16 MiB parts, so "
        f"their ETags are `\"<hex>-<parts>\"`, as S3 gives for them, not MD5s"
        if args.store == "memory"
        else "filesystem store on local disk, its objects written straight into its directory with their MD5 as ETag"
    )
    if args.link == "shaped":
        rate = f"{args.link_mbps:g} MB/s" if args.link_mbps > 0 else "no rate cap"
        link_text = (
            f"Every client reached S3Proxy (and bucketflow ElasticMQ) through a **shaped link**, "
            f"`bench/servers/ShapedLinkProxy.java` on 127.0.0.1: a TCP proxy that forwards every chunk of "
            f"bytes no sooner than {args.rtt_ms / 2:g} ms after it arrived, in either direction (+{args.rtt_ms:g} ms "
            f"per round trip), and caps each connection at {rate} in each direction (a token bucket per "
            f"connection and direction). Its CPU is its own column, *Link CPU s*, not part of any other. "
        )
    else:
        link_text = "Every client talked to the servers directly over loopback (`--link loopback`): no added latency, no rate cap. "
    seeding = seeding_text(args.seed_times)
    lines = [
        "# Download benchmark results",
        "",
        "Generated by `bench/run-download-bench.sh` (see `bench/README.md`); do not edit by hand, rerun it.",
        "",
        "Reproduce with:",
        "",
        "```",
        args.command,
        "```",
        "",
        f"Every contender downloads the same objects from one S3Proxy {args.s3proxy_version} on 127.0.0.1 "
        f"(SigV4/SigV2 signatures checked) started by the script, with an {store_text}, into a "
        f"fresh empty directory on local disk; {cache_text}. " + link_text + seeding
        + f"Earlier runs' writes were flushed "
        f"(`sync`) before each command, but the script does not force a contender's own writes to "
        f"disk: a time ends when the command exits, with its files possibly still in the page cache "
        f"(a contender that calls fsync pays for it). Times are whole commands "
        f"(JVM or interpreter start-up included) from GNU time; peak RSS is the largest resident "
        f"set of the command (the JVM for bucketflow); *CPU s* is the command's user + system time, "
        f"*S3Proxy CPU s* and *ElasticMQ CPU s* what those servers used meanwhile (ElasticMQ only for "
        f"bucketflow, the one contender with a queue): client and servers share the machine's CPUs. "
        f"After each run, outside the timed region, the download directory is compared with the "
        f"seeded objects' manifest: *ok* means every object is there exactly once with the same "
        f"size and SHA-256, and nothing else is (no leftover temporary files). MB/s is 10^6 bytes "
        f"per second. bucketflow's `enqueue` sends one SQS message per object to ElasticMQ "
        f"{args.elasticmq_version} on 127.0.0.1; `download` then drains that queue and stops after "
        f"{args.idle_s:g} s without messages (`--stop-when-idle`; it also waits until SQS counts "
        f"none visible or in flight), which its wall time includes. "
        + (
            f"ElasticMQ, which stands in for SQS and shares the CPUs with bucketflow where SQS would "
            f"not, was brought to steady state before anything was timed: it sent, received and "
            f"deleted {args.sqs_warm_up:,} messages through a throwaway queue, as its JIT compiler "
            f"otherwise takes a third of its CPU during the first download. "
            if args.sqs_warm_up > 0
            else "ElasticMQ was not warmed up (`--sqs-warm-up 0`): its JIT compiler takes a third "
            "of its CPU during the first download. "
        )
        + (
            "`bin/bucketflow` mapped each command's class-data archive, recorded for this build by "
            "an untimed first run of the command on 100 other objects before the timed runs (see "
            "`bin/bucketflow`), as aws-cli found its Python bytecode already compiled."
            if args.class_archives == "1"
            else "`bin/bucketflow` ran without class-data archives (`--no-class-archives`), as on "
            "the first run of each command after a build."
        ),
        "",
    ]
    off_scale = []
    for class_name in classes:
        first = next(run for run in runs if run["class"] == class_name)
        objects = int(first["expected_objects"])
        scale = (objects, int(first["expected_bytes"]) // objects)
        if DEFAULT_SCALE.get(class_name, scale) != scale:
            wanted = DEFAULT_SCALE[class_name]
            off_scale.append(f"{class_name}: {scale[0]:,} x {size_text(scale[1])} instead of "
                             f"{wanted[0]:,} x {size_text(wanted[1])}")
    if off_scale:
        lines += [f"**Not the benchmark's scale** ({'; '.join(off_scale)}): these figures are for "
                  "trying the script, not for comparing the contenders.", ""]
    for class_name in classes:
        lines += render_class(class_name, [run for run in runs if run["class"] == class_name], args.idle_s,
                              args.link == "shaped")

    lines += [
        "## Columns",
        "",
        "- *Files*: regular files found in the download directory afterwards (for `enqueue`: the "
        "messages in the queue afterwards; for the listing: the keys listed).",
        "- *Objects/s*, *MB/s*: the class's objects and bytes / wall time; `enqueue` moves no bytes.",
        "- *vs aws-cli*, *vs rclone*: objects/s over that peer's on the same class (> 1x is faster); "
        "not given for `enqueue` alone.",
        "- Rows marked *derived* are computed from the measured rows above them, not run on their own.",
        "- *CPU s* is the client's (user + system, its children included); *S3Proxy CPU s*, *ElasticMQ CPU s* and, "
        "with the shaped link, *Link CPU s* are the servers' and the proxy's during the same command, read from /proc.",
        "",
        "## Machine",
        "",
        "| Fact | Value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine_facts(args)),
        "",
    ]
    return "\n".join(lines)


def seeding_text(path):
    """One sentence on how long filling the store took, from the driver's seed-times.tsv."""
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8") as handle:
            rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    except OSError:
        return ""
    parts = []
    for row in rows:
        prefix, count, size, seconds, kind = row[:5]
        how = {"multipart": "multipart uploads", "put": "one PUT each", "file": "files written directly"}.get(kind, kind)
        parts.append(f"{prefix} {int(count):,} x {size_text(int(size))} in {float(seconds):.1f} s ({how})")
    return f"Seeding (untimed): {'; '.join(parts)}. " if parts else ""


def machine_facts(args):
    file_system = command_output("df", "-PT", args.work_dir).splitlines()[-1].split()
    return common_machine_facts(args.load_before, args.load_after) + [
        ("AWS CLI", command_output(args.aws, "--version")),
        ("rclone", command_output(args.rclone, "version").splitlines()[0]),
        ("S3Proxy / ElasticMQ", f"{args.s3proxy_version} / {args.elasticmq_version}"),
        ("Work directory's file system", f"{file_system[1]} on {file_system[0]}" if len(file_system) > 1 else "?"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", required=True, help="runs.tsv written by run-download-bench.sh")
    parser.add_argument("--results", required=True, help="markdown file to write")
    parser.add_argument("--command", required=True, help="the command line that reproduces the run")
    parser.add_argument("--idle-s", type=float, required=True, help="bucketflow download's --stop-when-idle")
    parser.add_argument("--sqs-warm-up", type=int, default=0, help="messages ElasticMQ was warmed up with")
    parser.add_argument("--s3proxy-version", required=True)
    parser.add_argument("--elasticmq-version", required=True)
    parser.add_argument("--page-cache", choices=("warm", "dropped", "clean"), default="warm")
    parser.add_argument("--class-archives", choices=("0", "1"), default="1",
                        help="whether bin/bucketflow mapped class-data archives recorded by a warm-up run")
    parser.add_argument("--load-before", default="?")
    parser.add_argument("--load-after", default="?")
    parser.add_argument("--aws", default="/usr/bin/aws")
    parser.add_argument("--rclone", default="/usr/bin/rclone")
    parser.add_argument("--work-dir", default=".")
    parser.add_argument("--store", choices=("memory", "filesystem"), default="filesystem")
    parser.add_argument("--s3proxy-heap-mb", type=int, default=1024)
    parser.add_argument("--link", choices=("loopback", "shaped"), default="loopback")
    parser.add_argument("--rtt-ms", type=float, default=20)
    parser.add_argument("--link-mbps", type=float, default=50, help="shaped link: MB/s per connection and direction")
    parser.add_argument("--seed-times", help="seed-times.tsv written by the driver")
    args = parser.parse_args()
    text = render(args)
    with open(args.results, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
