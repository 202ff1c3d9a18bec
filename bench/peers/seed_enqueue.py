#!/usr/bin/env python3
"""The seed design of enqueue: one pager thread, a channel, one sender thread.

The reference peer of the enqueue benchmark, the design bucketflow's `enqueue` replaced:

    pager -> channel -> sender -> SQS

The pager walks the prefix with boto3's ``list_objects_v2`` paginator (one request in flight at a
time) and puts every object on a bounded ``queue.Queue``; the sender takes them off ten at a time
and sends each ten with one SendMessageBatch, waiting for the answer before the next (one request
in flight), and sends the entries SQS reports as failed again (up to 10 attempts, with a back-off)
before it moves on. Each message body is a small JSON object, ``{"bucket", "key", "eTag",
"size"}``; on a FIFO queue (a URL ending in ``.fifo``) each message also gets the key's folder as
its group and a hash of bucket, key and ETag as its deduplication id.

Prints one JSON line on stdout: objects listed, messages sent, pages, entries retried, and when
the listing and the sending ended (seconds after start). Exits 1 when a message could not be sent.
Run with Debian's interpreter (``/usr/bin/python3``, package python3-boto3); credentials come from
the environment (the benchmark's dummies).

Usage: ``seed_enqueue.py --s3-endpoint URL --sqs-endpoint URL --bucket B [--prefix P]
--queue-url URL [--region us-east-1] [--channel-size 1000] [--limit N]``
"""

import argparse
import hashlib
import json
import queue
import sys
import threading
import time

import boto3
from botocore.config import Config

BATCH = 10
ATTEMPTS = 10
DONE = object()


def body(bucket, obj):
    return json.dumps({"bucket": bucket, "key": obj["Key"], "eTag": obj.get("ETag", "").strip('"'),
                       "size": obj.get("Size", 0)}, separators=(",", ":"))


def entry(index, bucket, obj, fifo):
    message = {"Id": str(index), "MessageBody": body(bucket, obj)}
    if fifo:
        key = obj["Key"]
        message["MessageGroupId"] = key.rsplit("/", 1)[0] if "/" in key else bucket
        message["MessageDeduplicationId"] = hashlib.sha256(
            f"{bucket}\n{key}\n{obj.get('ETag', '')}".encode("utf-8")).hexdigest()
    return message


def pager(s3, bucket, prefix, limit, channel, stats, started):
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            stats["pages"] += 1
            for obj in page.get("Contents", ()):
                channel.put(obj)
                stats["listed"] += 1
            if limit and stats["listed"] >= limit:
                break
    except Exception as error:  # pylint: disable=broad-except
        stats["error"] = f"listing failed: {error!r}"
    finally:
        stats["listed_at_s"] = round(time.monotonic() - started, 3)
        channel.put(DONE)


def send_batch(sqs, queue_url, entries, stats):
    """Sends one batch, then its failed entries again; returns the entries never sent."""
    pending = entries
    for attempt in range(ATTEMPTS):
        response = sqs.send_message_batch(QueueUrl=queue_url, Entries=pending)
        stats["sent"] += len(response.get("Successful", ()))
        failed_ids = {failure["Id"] for failure in response.get("Failed", ())}
        if not failed_ids:
            return []
        pending = [e for e in pending if e["Id"] in failed_ids]
        stats["retried"] += len(pending)
        time.sleep(min(0.05 * 2 ** attempt, 2.0))
    return pending


def sender(sqs, queue_url, bucket, channel, stats, started):
    fifo = queue_url.endswith(".fifo")
    batch = []
    while True:
        obj = channel.get()
        if obj is not DONE:
            batch.append(entry(len(batch), bucket, obj, fifo))
        if batch and (len(batch) == BATCH or obj is DONE):
            try:
                stats["unsent"] += len(send_batch(sqs, queue_url, batch, stats))
            except Exception as error:  # pylint: disable=broad-except
                # botocore has retried already; keep draining the channel so that the pager ends.
                stats["unsent"] += len(batch)
                stats.setdefault("error", f"sending failed: {error!r}")
            batch = []
        if obj is DONE:
            break
    stats["sent_at_s"] = round(time.monotonic() - started, 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--s3-endpoint", required=True)
    parser.add_argument("--sqs-endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--queue-url", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--channel-size", type=int, default=1000,
                        help="objects the channel between pager and sender holds (default 1000)")
    parser.add_argument("--limit", type=int, default=0,
                        help="stop listing after the page that reaches this many objects (default 0: no limit)")
    args = parser.parse_args()
    started = time.monotonic()
    config = Config(retries={"mode": "standard"})
    s3 = boto3.client("s3", endpoint_url=args.s3_endpoint, region_name=args.region,
                      config=config.merge(Config(s3={"addressing_style": "path"})))
    sqs = boto3.client("sqs", endpoint_url=args.sqs_endpoint, region_name=args.region, config=config)
    stats = {"listed": 0, "sent": 0, "pages": 0, "retried": 0, "unsent": 0}
    channel = queue.Queue(maxsize=args.channel_size)
    threads = [
        threading.Thread(target=pager, name="pager", args=(s3, args.bucket, args.prefix, args.limit, channel, stats, started)),
        threading.Thread(target=sender, name="sender",
                         args=(sqs, args.queue_url, args.bucket, channel, stats, started)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(stats, sort_keys=True))
    if "error" in stats or stats["unsent"] or stats["sent"] != stats["listed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
