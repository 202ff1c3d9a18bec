#!/usr/bin/env python3
"""Renders the enqueue benchmark's runs (a TSV written by run-enqueue-bench.sh) as markdown.

Adds what the raw numbers imply: messages/s, CPU per message, the ratio to the seed design in the
same scenario, where each run's time went (start-up, listing, first and last message sent), the
verdict on the issue's targets, and the machine the numbers come from.
"""

import argparse
import csv

from write_results import command_output, common_machine_facts, fmt, number

# The issue's contract: at least 2x the seed design on loopback, at least 10x with S3 at 80 ms a
# request and SQS 20 ms away, and at most a third of 0.35 ms of CPU per message.
TARGET_RATIOS = {"loopback": 2.0, "remote": 10.0}
CPU_MS_REFERENCE = 0.35
CPU_MS_TARGET = CPU_MS_REFERENCE / 3
DEFAULT_KEYS = 100000
# The issue's own figures (100,000 keys, --parallelism 4), for context.
ISSUE_FIGURES = ("the issue measured, at 100,000 keys: loopback, seed design 2,730 msgs/s, bucketflow (`--parallelism 4`) "
                 "2,740 msgs/s with 34.5 CPU s (0.345 ms a message); remote, seed design 373 msgs/s, bucketflow 1,884 msgs/s")


def read_runs(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def label(run):
    if run["tool"] == "seed":
        return "seed design (`peers/seed_enqueue.py`: 1 pager, 1 sender)"
    if run["tool"] == "ceiling":
        return f"SQS ceiling: {run['parallelism']} Java senders, no listing (reference)"
    parallelism = run["parallelism"]
    if parallelism == "default":
        return "`bucketflow enqueue`, default parallelism"
    return f"`bucketflow enqueue --parallelism {parallelism}`"


def scenario_title(name, s3_ms, rtt_ms):
    s3 = f"S3 {float(s3_ms):g} ms a request" if float(s3_ms) > 0 else "S3 answering at once"
    sqs = f"SQS {float(rtt_ms):g} ms round trip away" if float(rtt_ms) > 0 else "SQS direct on loopback"
    return f"Scenario `{name}`: {s3}, {sqs}"


class Run:
    """One measured row and the figures derived from it."""

    def __init__(self, run):
        self.run = run
        self.wall = number(run["wall_s"])
        self.ok = run["status"] == "ok" and bool(self.wall)
        self.keys = int(run["expected"])
        self.cpu = None
        if run["user_s"] and run["sys_s"]:
            self.cpu = float(run["user_s"]) + float(run["sys_s"])
        self.rss_mib = number(run["max_rss_kb"]) / 1024 if run["max_rss_kb"] else None

    def other_cpu(self):
        """The machine's busy CPU during the run that neither the contender nor the servers used."""
        run = self.run
        machine = number(run.get("machine_cpu_s") or "")
        if machine is None or self.cpu is None:
            return None
        ours = self.cpu + sum(number(run[k]) or 0 for k in ("s3_cpu_s", "sqs_cpu_s", "link_cpu_s"))
        return max(machine - ours, 0.0)

    @property
    def rate(self):
        return self.keys / self.wall if self.ok else None

    @property
    def cpu_ms_per_message(self):
        return self.cpu * 1000 / self.keys if self.ok and self.cpu is not None else None

    def status(self):
        run = self.run
        return run["note"] if run["status"] == "not measured" else run["status"]


def render_scenario(runs, link_shown):
    first = runs[0]
    rows = [Run(run) for run in runs]
    seed = next((row for row in rows if row.run["tool"] == "seed" and row.ok), None)
    seed_rate = seed.rate if seed else None
    lines = [
        f"## {scenario_title(first['scenario'], first['s3_latency_ms'], first['sqs_rtt_ms'])}",
        "",
        "| Contender | Msgs/s | vs seed | Wall s | CPU s | CPU ms/msg | Peak RSS MiB | S3 endpoint CPU s "
        "| ElasticMQ CPU s " + ("| Link CPU s " if link_shown else "") + "| Other CPU s | Messages checked | Status |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if link_shown else "") + "---:|---:|---|",
    ]
    for row in rows:
        run = row.run
        rate = row.rate
        ratio = rate / seed_rate if rate is not None and seed_rate else None
        checked = f"{int(run['received']):,}" if run["received"] else "-"
        lines.append(
            f"| {label(run)} | {fmt(rate, 0)} | {fmt(ratio, 2, 'x')} | {fmt(row.wall)} | {fmt(row.cpu, 1)} "
            f"| {fmt(row.cpu_ms_per_message, 3)} | {fmt(row.rss_mib, 0)} | {fmt(number(run['s3_cpu_s']), 1)} "
            f"| {fmt(number(run['sqs_cpu_s']), 1)} "
            + (f"| {fmt(number(run['link_cpu_s']), 1)} " if link_shown else "")
            + f"| {fmt(row.other_cpu(), 1)} | {checked} | {row.status()} |")
    lines += [
        "",
        "Where the time went (seconds from the command's launch; S3 times from the fake endpoint's counters, "
        "send times from the messages' SentTimestamp in ElasticMQ):",
        "",
        "| Contender | First S3 request | Listing (first request to last response) | List requests "
        "| Peak S3 requests in flight | First message sent | Last message sent | After last message | Mean body bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        run = row.run
        if run["status"] == "not measured":
            continue
        last_sent = number(run["last_sent_s"])
        after = row.wall - last_sent if row.wall is not None and last_sent is not None else None
        listing_end = None
        if run["first_request_s"] and run["window_s"]:
            listing_end = float(run["first_request_s"]) + float(run["window_s"])
        listing = (f"{fmt(number(run['window_s']), 2)} (ends at {fmt(listing_end, 2)})"
                   if listing_end is not None else "-")
        lines.append(
            f"| {label(run)} | {fmt(number(run['first_request_s']), 2)} | {listing} "
            f"| {run['list_requests'] or '-'} | {run['peak_in_flight'] or '-'} "
            f"| {fmt(number(run['first_sent_s']), 2)} | {fmt(last_sent, 2)} | {fmt(after, 2)} "
            f"| {fmt(number(run['body_bytes']), 0)} |")
    lines.append("")
    notes = [f"- {label(row.run)}: {row.run['note']}." for row in rows
             if row.run["note"] and row.run["status"] != "not measured"]
    if notes:
        lines += notes + [""]
    commands = [run["command"] for run in runs if run["command"]]
    if commands:
        lines += ["Commands as run (`$WORK` is the work directory, `$CLASSPATH` the connectors' test classpath, "
                  "ports are this run's):", "", "```", *commands, "```", ""]
    return lines


def target_lines(runs):
    lines = ["## Target", "", f"The issue's contract: {', '.join(f'at least {r:g}x the seed design in `{s}`' for s, r in TARGET_RATIOS.items())}, "
             f"and at most {CPU_MS_REFERENCE:g} / 3 = {CPU_MS_TARGET:.3f} ms of client CPU per message; "
             f"exactly once (every run's queue is checked). For context, {ISSUE_FIGURES}.", ""]
    scenarios = list(dict.fromkeys(run["scenario"] for run in runs))
    for scenario in scenarios:
        rows = [Run(run) for run in runs if run["scenario"] == scenario]
        seed = next((row for row in rows if row.run["tool"] == "seed" and row.ok), None)
        ceiling = next((row for row in rows if row.run["tool"] == "ceiling" and row.ok), None)
        target = TARGET_RATIOS.get(scenario)
        if seed is not None and target is not None:
            needed = f"- `{scenario}`: {target:g}x the seed design is {seed.rate * target:,.0f} msgs/s"
            if ceiling is not None:
                needed += (f"; the SQS ceiling reference ({ceiling.run['parallelism']} senders, no listing) reached "
                           f"{ceiling.rate:,.0f} msgs/s, {ceiling.rate / seed.rate:.1f}x, on this machine in this run")
            lines.append(needed + ".")
        for row in rows:
            if row.run["tool"] != "bucketflow":
                continue
            name = label(row.run)
            if not row.ok:
                lines.append(f"- `{scenario}`, {name}: {row.status()}.")
                continue
            parts = []
            if seed is None:
                parts.append("no seed design run to compare with")
            else:
                ratio = row.rate / seed.rate
                if target is None:
                    parts.append(f"{ratio:.2f}x the seed design ({row.rate:,.0f} vs {seed.rate:,.0f} msgs/s; no "
                                 f"target for a custom scenario)")
                else:
                    verdict = "met" if ratio >= target else "NOT met"
                    parts.append(f"{ratio:.2f}x the seed design ({row.rate:,.0f} vs {seed.rate:,.0f} msgs/s): "
                                 f"target {target:g}x {verdict}")
            if ceiling is not None:
                parts.append(f"{row.rate / ceiling.rate:.0%} of the SQS ceiling's {ceiling.rate:,.0f} msgs/s")
            cpu = row.cpu_ms_per_message
            if cpu is not None:
                verdict = "met" if cpu <= CPU_MS_TARGET else "NOT met"
                parts.append(f"{cpu:.3f} ms CPU a message: target {CPU_MS_TARGET:.3f} ms {verdict}")
            parts.append("exactly once: every key once in the queue, nothing else")
            lines.append(f"- `{scenario}`, {name}: " + "; ".join(parts) + ".")
    lines.append("")
    return lines


def render(args):
    runs = read_runs(args.runs)
    scenarios = list(dict.fromkeys(run["scenario"] for run in runs))
    link_shown = any(float(run["sqs_rtt_ms"] or 0) > 0 for run in runs)
    fifo = args.queue_type == "fifo"
    format_text = ("bucketflow's default message format (`s3-event`: an S3 ObjectCreated event notification, a few "
                   "hundred bytes)" if args.message_format == "default"
                   else f"bucketflow's `--message-format {args.message_format}`")
    lines = [
        "# Enqueue benchmark results",
        "",
        "Generated by `bench/run-enqueue-bench.sh` (see `bench/README.md`); do not edit by hand, rerun it.",
        "",
        "Reproduce with:",
        "",
        "```",
        args.command,
        "```",
        "",
        f"Every contender lists the {args.keys:,} keys under `{args.layout}/` of one bucket on the fake S3 endpoint "
        f"(`bench/fake_s3_list_server.py`, {args.layout} layout; ListObjectsV2 only, no object is read) and sends "
        f"one SQS message per key to a fresh {'FIFO' if fifo else 'standard'} queue of ElasticMQ "
        f"{args.elasticmq_version} (`bench/servers/ElasticMqServer.java`), all on 127.0.0.1. The S3 latency is the "
        f"endpoint's own (`--latency-ms`: every request answered no sooner than that after it arrived); SQS far "
        f"away is `bench/servers/ShapedLinkProxy.java` in front of ElasticMQ, forwarding every chunk half the "
        f"round trip after it arrived, each way, with each connection capped at "
        f"{args.link_mbps:g} MB/s a direction (its CPU is the *Link CPU s* column). "
        f"The seed design sends a small JSON body (bucket, key, eTag, size); bucketflow sends {format_text}. "
        f"Times are whole commands (JVM or interpreter start-up included) from GNU time; *CPU s* is the "
        f"command's user + system time, *CPU ms/msg* that over the messages; *S3 endpoint CPU s* and "
        f"*ElasticMQ CPU s* are what those servers used meanwhile (from /proc): client and servers share "
        f"the machine's CPUs. After each run, outside the timed region, the queue must count exactly one "
        f"message per key (GetQueueAttributes: visible + in flight + delayed), and every message is "
        f"received (`bench/servers/SqsQueueTool.java`) and its key compared with the listing's: *ok* means "
        f"each key exactly once and nothing else. "
        f"bucketflow's exactly-once sink stages the messages and sends them when a checkpoint completes "
        f"(`execution.checkpointing.interval` of the launcher's flink-conf: {args.checkpoint_interval}), which its "
        f"wall time includes. "
        + (f"Before anything was timed, ElasticMQ sent, received and deleted {args.sqs_warm_up:,} messages "
           f"(the AWS SDK for Java, SQS's JSON protocol), and the seed peer sent up to {args.sqs_warm_up:,} "
           f"in an untimed run (boto3 speaks SQS's query protocol, which ElasticMQ answers with more CPU: "
           f"compare its CPU per message across the rows), to bring ElasticMQ's JIT to steady state on "
           f"both. " if args.sqs_warm_up > 0 else "ElasticMQ was not warmed up. ")
        + ("`bin/bucketflow` mapped its class-data archive for `enqueue`, recorded by an untimed run on the "
           "first keys."
           if args.class_archives == "1" else "`bin/bucketflow` ran without class-data archives."),
        "",
    ]
    if args.keys != DEFAULT_KEYS:
        lines += [f"**Not the benchmark's scale** ({args.keys:,} keys instead of {DEFAULT_KEYS:,}): these figures "
                  f"are for trying the script; start-up weighs more at this scale.", ""]
    for scenario in scenarios:
        lines += render_scenario([run for run in runs if run["scenario"] == scenario], link_shown)
    lines += target_lines(runs)
    lines += [
        "## Columns",
        "",
        "- *Msgs/s*: keys / wall time; *vs seed*: that over the seed design's in the same scenario.",
        "- *First S3 request*: from the launch to the endpoint's first request (start-up; bucketflow's "
        "pre-flight check is a request too). *Listing*: from the first S3 request to the last response; the "
        "seed design's pager waits whenever the channel to its sender is full (1,000 objects), so its listing "
        "ends shortly before its sending does when SQS is the slower side.",
        "- *First / last message sent*: the earliest and latest SentTimestamp of the queue's messages "
        "(ElasticMQ's clock, millisecond resolution), from the launch. *After last message*: the wall time "
        "after that (the last answers, shutting down).",
        "- *Other CPU s*: what the whole machine's CPUs were busy with during the command (`/proc/stat`) "
        "beyond the contender's and the servers' CPU: other processes on the machine (and the kernel's work "
        "not charged to any). More than a few seconds means the machine was shared, and that row's figures "
        "are not comparable with the others.",
        "- The SQS ceiling reference sends made-up keys; its S3 columns are empty.",
        "",
        "## Machine",
        "",
        "| Fact | Value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine_facts(args)),
        "",
    ]
    return "\n".join(lines)


def machine_facts(args):
    return common_machine_facts(args.load_before, args.load_after) + [
        ("Python (seed peer, fake endpoint)", command_output(args.python, "--version")),
        ("boto3 / botocore", command_output(
            args.python, "-c", "import boto3, botocore; print(boto3.__version__, '/', botocore.__version__)")),
        ("ElasticMQ", args.elasticmq_version),
        ("bucketflow launcher", args.bucketflow),
        ("bucketflow commit", command_output("git", "-C", args.bucketflow.rsplit("/bin/", 1)[0], "log", "-1",
                                             "--format=%h %s")),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--runs", required=True, help="runs.tsv written by run-enqueue-bench.sh")
    parser.add_argument("--results", required=True, help="markdown file to write")
    parser.add_argument("--command", required=True, help="the command line that reproduces the run")
    parser.add_argument("--keys", type=int, required=True)
    parser.add_argument("--layout", default="flat")
    parser.add_argument("--queue-type", choices=("standard", "fifo"), default="standard")
    parser.add_argument("--message-format", default="default")
    parser.add_argument("--link-mbps", type=float, default=50)
    parser.add_argument("--sqs-warm-up", type=int, default=0)
    parser.add_argument("--elasticmq-version", default="?")
    parser.add_argument("--checkpoint-interval", default="?")
    parser.add_argument("--class-archives", choices=("0", "1"), default="1")
    parser.add_argument("--load-before", default="?")
    parser.add_argument("--load-after", default="?")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--bucketflow", default="bin/bucketflow")
    args = parser.parse_args()
    text = render(args)
    with open(args.results, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
