#!/usr/bin/env python3
"""A read-only, listing-only S3-compatible endpoint with a fixed per-request latency.

Serves generated keys for one or more buckets, held as one sorted list per bucket, over
path-style HTTP on 127.0.0.1 (``http://127.0.0.1:PORT/bucket?list-type=2...``). It exists to
benchmark listing tools: every request is answered no sooner than ``--latency-ms`` after it
arrived (default 80 ms, what a sequential ListObjectsV2 pager sees on real S3), so the time a
lister takes is dominated by how many requests it keeps in flight, not by this server.

Supported operations (anything else gets a 501 ``NotImplemented`` error):

* ``GET /bucket?list-type=2`` ListObjectsV2: ``prefix``, ``delimiter``, ``start-after``,
  ``continuation-token``, ``max-keys`` (default and cap 1000; with a delimiter, objects and
  common prefixes together count toward it), ``encoding-type=url`` (``Key``, ``Prefix``,
  ``Delimiter``, ``StartAfter`` and common prefixes URL-encoded in the response), ``KeyCount``,
  ``IsTruncated``, ``NextContinuationToken``; ``fetch-owner`` is accepted and ignored.
* ``HEAD /bucket`` HeadBucket, ``GET /bucket?location`` GetBucketLocation, ``GET /`` ListBuckets.
* ``GET /__stats`` (JSON counters since the last reset) and ``POST /__stats/reset`` (returns the
  counters, then resets them). These two are answered at once, without the latency.

Signatures are accepted without being checked. Keys are ordered by code point, which for
valid Unicode is the same order as S3's UTF-8 byte order, so ``bisect`` finds any position in
O(log n) and a page costs O(page size).

Layouts (deterministic):

* ``flat``: ``flat/obj-0000000`` ... one prefix holding all ``--keys`` keys.
* ``foldered``: ``foldered/g-00/f-000/obj-0000000`` ... ``--keys`` keys spread evenly over
  ``--folders`` leaf folders grouped under ``--top-folders`` first-level folders.

Each bucket also holds a few keys outside its layout prefix (``_before/...`` and
``~after/...``), so a lister that ignores the prefix lists the wrong number of keys.

Usage: ``fake_s3_list_server.py --bucket bench-flat=flat --bucket bench-foldered=foldered
--keys 1000000 [--latency-ms 80] [--port 0] [--port-file FILE]``. Prints ``PORT <n>`` on
stdout once the keys are generated and the socket is listening; prints the counters and exits
on SIGTERM or SIGINT.
"""

import argparse
import base64
import binascii
import bisect
import json
import os
import signal
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, urlsplit
from xml.sax.saxutils import escape

S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
MAX_PAGE_SIZE = 1000
REGION = "us-east-1"
LAST_MODIFIED = "2024-01-01T00:00:00.000Z"
OUTSIDE_PREFIX_KEYS = ("_before/a", "_before/b", "_before/c", "~after/a", "~after/b")
LAYOUTS = ("flat", "foldered")


# --------------------------------------------------------------------------------------------
# Key generation


def flat_keys(count):
    """``count`` keys under ``flat/``, zero-padded so that string order is numeric order."""
    width = max(7, len(str(count - 1)))
    return [f"flat/obj-{i:0{width}d}" for i in range(count)]


def foldered_keys(count, folders, top_folders):
    """``count`` keys spread evenly over ``folders`` leaf folders under ``top_folders`` groups."""
    if folders < 1 or top_folders < 1 or top_folders > folders:
        raise ValueError(
            f"need 1 <= top_folders <= folders, got folders={folders} top_folders={top_folders}")
    key_width = max(7, len(str(count - 1)))
    top_width = max(2, len(str(top_folders - 1)))
    leaf_width = max(3, len(str(folders - 1)))
    keys = []
    for i in range(count):
        leaf = i * folders // count
        top = leaf * top_folders // folders
        keys.append(f"foldered/g-{top:0{top_width}d}/f-{leaf:0{leaf_width}d}/obj-{i:0{key_width}d}")
    return keys


def layout_prefix(layout):
    """The prefix under which a layout's keys live (the prefix a benchmark lists)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    return layout + "/"


def generate_bucket(layout, count, folders=1000, top_folders=10):
    """The sorted key list of one bucket: the layout's keys plus the few keys outside it."""
    if count < 1:
        raise ValueError(f"--keys must be at least 1, was {count}")
    if layout == "flat":
        keys = flat_keys(count)
    elif layout == "foldered":
        keys = foldered_keys(count, min(folders, count), min(top_folders, folders, count))
    else:
        layout_prefix(layout)  # raises with the list of valid layouts
    keys.extend(OUTSIDE_PREFIX_KEYS)
    keys.sort()
    return keys


# --------------------------------------------------------------------------------------------
# Listing semantics (pure functions, unit-tested without HTTP)


class S3Error(Exception):
    """An S3 error response: HTTP status, S3 error code and message."""

    def __init__(self, status, code, message, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def _after_all_with_prefix(prefix):
    """The smallest string greater than every string starting with ``prefix`` (None: no bound)."""
    stripped = prefix.rstrip("\U0010ffff")
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


def _bound(keys, prefix):
    """Index one past the last key starting with ``prefix``."""
    upper = _after_all_with_prefix(prefix)
    return len(keys) if upper is None else bisect.bisect_left(keys, upper)


def encode_token(kind, value):
    """A continuation token resuming after a key (``k``) or after a common prefix (``p``)."""
    return base64.urlsafe_b64encode((kind + value).encode("utf-8")).decode("ascii")


def decode_token(token):
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeError):
        raw = ""
    if len(raw) < 2 or raw[0] not in "kp":
        raise S3Error(400, "InvalidArgument", "The continuation token provided is incorrect",
                      ArgumentName="continuation-token", ArgumentValue=token)
    return raw[0], raw[1:]


def list_page(keys, prefix="", delimiter=None, start_after=None, continuation_token=None,
              max_keys=MAX_PAGE_SIZE):
    """One ListObjectsV2 page over a sorted key list.

    Returns ``(contents, common_prefixes, next_token)``: the keys (as indexes into ``keys``),
    the common prefixes (strings), and the continuation token, or None when the listing is
    complete. Objects and common prefixes together count toward ``max_keys``, as on S3. A
    continuation token takes precedence over ``start_after``.
    """
    start = bisect.bisect_left(keys, prefix)
    if continuation_token is not None:
        kind, value = decode_token(continuation_token)
        resume = bisect.bisect_right(keys, value) if kind == "k" else _bound(keys, value)
        start = max(start, resume)
    elif start_after:
        start = max(start, bisect.bisect_right(keys, start_after))
    end = _bound(keys, prefix)
    contents = []
    common_prefixes = []
    index = start
    last = None
    while index < end and len(contents) + len(common_prefixes) < max_keys:
        key = keys[index]
        cut = key.find(delimiter, len(prefix)) if delimiter else -1
        if cut < 0:
            contents.append(index)
            last = ("k", key)
            index += 1
        else:
            common_prefix = key[:cut + len(delimiter)]
            common_prefixes.append(common_prefix)
            last = ("p", common_prefix)
            index = _bound(keys, common_prefix)
    next_token = encode_token(*last) if index < end and last is not None else None
    return contents, common_prefixes, next_token


# --------------------------------------------------------------------------------------------
# XML rendering


def _object_xml(key, url_encode):
    checksum = zlib.crc32(key.encode("utf-8"))
    shown = quote_plus(key, safe="/") if url_encode else escape(key)
    return (f"<Contents><Key>{shown}</Key><LastModified>{LAST_MODIFIED}</LastModified>"
            f"<ETag>&quot;{checksum:08x}{checksum:08x}{checksum:08x}{checksum:08x}&quot;</ETag>"
            f"<Size>{checksum % 1048576}</Size><StorageClass>STANDARD</StorageClass></Contents>")


class Bucket:
    """A bucket's sorted keys plus a lazily filled cache of each key's ``<Contents>`` element.

    The cache keeps a page at a few tens of microseconds of server CPU once its keys were
    listed before, so that at high request concurrency the server's single interpreter lock
    is not what limits the listers under test. Filling a slot twice from two threads is
    harmless: both write the same string.
    """

    def __init__(self, name, keys):
        self.name = name
        self.keys = keys
        self._contents_xml = {False: [None] * len(keys), True: [None] * len(keys)}

    def contents_xml(self, index, url_encode):
        cache = self._contents_xml[url_encode]
        fragment = cache[index]
        if fragment is None:
            fragment = cache[index] = _object_xml(self.keys[index], url_encode)
        return fragment


def render_list_v2(bucket, params):
    """The ListObjectsV2 XML document of a :class:`Bucket` for the given query parameters."""
    prefix = params.get("prefix", "")
    delimiter = params.get("delimiter") or None
    start_after = params.get("start-after") or None
    token = params.get("continuation-token")
    encoding = params.get("encoding-type")
    if encoding is not None and encoding != "url":
        raise S3Error(400, "InvalidArgument", "Invalid Encoding Method specified in Request",
                      ArgumentName="encoding-type", ArgumentValue=encoding)
    url_encode = encoding == "url"
    raw_max_keys = params.get("max-keys", str(MAX_PAGE_SIZE))
    try:
        max_keys = int(raw_max_keys)
    except ValueError:
        max_keys = -1
    if max_keys < 0:
        raise S3Error(400, "InvalidArgument",
                      "Provided max-keys not an integer or within integer range",
                      ArgumentName="max-keys", ArgumentValue=raw_max_keys)
    max_keys = min(max_keys, MAX_PAGE_SIZE)

    contents, common_prefixes, next_token = list_page(
        bucket.keys, prefix, delimiter, start_after, token, max_keys)

    def text(value):
        return quote_plus(value, safe="/") if url_encode else escape(value)

    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="{S3_XMLNS}">',
             f"<Name>{escape(bucket.name)}</Name><Prefix>{text(prefix)}</Prefix>"]
    if delimiter:
        parts.append(f"<Delimiter>{text(delimiter)}</Delimiter>")
    parts.append(f"<MaxKeys>{max_keys}</MaxKeys>")
    if url_encode:
        parts.append("<EncodingType>url</EncodingType>")
    parts.append(f"<KeyCount>{len(contents) + len(common_prefixes)}</KeyCount>")
    parts.append(f"<IsTruncated>{'true' if next_token else 'false'}</IsTruncated>")
    if token is not None:
        parts.append(f"<ContinuationToken>{escape(token)}</ContinuationToken>")
    if next_token:
        parts.append(f"<NextContinuationToken>{next_token}</NextContinuationToken>")
    if start_after:
        parts.append(f"<StartAfter>{text(start_after)}</StartAfter>")
    parts.extend(bucket.contents_xml(i, url_encode) for i in contents)
    parts.extend(f"<CommonPrefixes><Prefix>{text(p)}</Prefix></CommonPrefixes>"
                 for p in common_prefixes)
    parts.append("</ListBucketResult>")
    return "".join(parts).encode("utf-8")


def render_error(error, resource, request_id):
    extra = "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in error.extra.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{error.code}</Code>'
            f"<Message>{escape(error.message)}</Message>{extra}"
            f"<Resource>{escape(resource)}</Resource><RequestId>{request_id}</RequestId>"
            f"</Error>").encode("utf-8")


# --------------------------------------------------------------------------------------------
# HTTP server


class Stats:
    """Request counters since the last reset; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._reset_locked()

    def _reset_locked(self):
        self.requests = 0
        self.by_operation = {}
        self.errors = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.reset_at = time.monotonic()
        self.first_request_at = None
        self.last_response_at = None
        self.cpu_at_reset = time.process_time()

    def started(self, operation):
        with self._lock:
            now = time.monotonic()
            self.requests += 1
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            if self.first_request_at is None:
                self.first_request_at = now

    def finished(self, failed):
        with self._lock:
            self.in_flight -= 1
            self.errors += 1 if failed else 0
            self.last_response_at = time.monotonic()

    def snapshot(self, reset=False):
        with self._lock:
            first, last = self.first_request_at, self.last_response_at
            result = {
                "requests": self.requests,
                "by_operation": dict(self.by_operation),
                "errors": self.errors,
                "peak_in_flight": self.peak_in_flight,
                "first_request_after_reset_s": None if first is None else first - self.reset_at,
                "first_to_last_response_s": None if first is None or last is None else last - first,
                "server_cpu_s": time.process_time() - self.cpu_at_reset,
            }
            if reset:
                self._reset_locked()
            return result


class ListingServer(ThreadingHTTPServer):
    """ThreadingHTTPServer holding the buckets, the latency and the counters."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address, keys_by_bucket, latency_s):
        super().__init__(address, ListingRequestHandler)
        self.buckets = {name: Bucket(name, keys) for name, keys in keys_by_bucket.items()}
        self.latency_s = latency_s
        self.stats = Stats()
        self._request_ids = iter(range(1, 1 << 62))
        self._request_id_lock = threading.Lock()

    def next_request_id(self):
        with self._request_id_lock:
            return f"{next(self._request_ids):016X}"


class ListingRequestHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests (HTTP/1.1 keep-alive); runs on a per-connection thread."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeS3ListServer"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - silence per-request logging
        pass

    def do_HEAD(self):
        self._handle("HEAD")

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def _handle(self, method):
        arrived = time.monotonic()
        split = urlsplit(self.path)
        self._discard_body()
        if split.path.startswith("/__stats"):
            self._answer_stats(method, split.path)
            return
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        bucket = split.path.lstrip("/").split("/", 1)[0]
        object_path = split.path.lstrip("/")[len(bucket) + 1:]
        operation = self._operation(method, bucket, object_path, params)
        server = self.server
        server.stats.started(operation)
        request_id = server.next_request_id()
        failed = False
        try:
            try:
                status, headers, body = self._dispatch(operation, bucket, params)
            except S3Error as error:
                failed = True
                status, headers = error.status, {"Content-Type": "application/xml"}
                body = render_error(error, split.path, request_id)
            except Exception as error:  # pylint: disable=broad-except
                failed = True
                status, headers = 500, {"Content-Type": "application/xml"}
                body = render_error(S3Error(500, "InternalError", repr(error)), split.path,
                                    request_id)
            remaining = server.latency_s - (time.monotonic() - arrived)
            if remaining > 0:
                time.sleep(remaining)
            self.send_response(status)
            headers = dict(headers)
            headers["x-amz-request-id"] = request_id
            headers["Content-Length"] = str(len(body))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)
        finally:
            server.stats.finished(failed)

    def _discard_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(length)

    @staticmethod
    def _operation(method, bucket, object_path, params):
        if not bucket:
            return "ListBuckets" if method == "GET" else "Unsupported"
        if object_path:
            return "Unsupported"
        if method == "HEAD":
            return "HeadBucket"
        if method == "GET" and "location" in params:
            return "GetBucketLocation"
        if method == "GET" and params.get("list-type") == "2":
            return "ListObjectsV2"
        return "Unsupported"

    def _dispatch(self, operation, bucket, params):
        xml = {"Content-Type": "application/xml"}
        if operation == "ListBuckets":
            entries = "".join(
                f"<Bucket><Name>{escape(name)}</Name><CreationDate>{LAST_MODIFIED}</CreationDate>"
                f"</Bucket>" for name in sorted(self.server.buckets))
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult '
                    f'xmlns="{S3_XMLNS}"><Owner><ID>bench</ID><DisplayName>bench</DisplayName>'
                    f"</Owner><Buckets>{entries}</Buckets></ListAllMyBucketsResult>")
            return 200, xml, body.encode("utf-8")
        if operation == "Unsupported":
            raise S3Error(501, "NotImplemented",
                          "This fake S3 endpoint serves only ListObjectsV2 (list-type=2), "
                          "HeadBucket, GetBucketLocation and ListBuckets")
        listed = self.server.buckets.get(bucket)
        if listed is None:
            raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist",
                          BucketName=bucket)
        if operation == "HeadBucket":
            return 200, {"x-amz-bucket-region": REGION}, b""
        if operation == "GetBucketLocation":
            # us-east-1 answers with an empty LocationConstraint, as S3 does.
            body = f'<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="{S3_XMLNS}"/>'
            return 200, xml, body.encode("utf-8")
        return 200, xml, render_list_v2(listed, params)

    def _answer_stats(self, method, path):
        if method == "GET" and path == "/__stats":
            snapshot = self.server.stats.snapshot(reset=False)
        elif method == "POST" and path == "/__stats/reset":
            snapshot = self.server.stats.snapshot(reset=True)
        else:
            self.send_error(404, "use GET /__stats or POST /__stats/reset")
            return
        body = json.dumps(snapshot, indent=1).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def start_server(keys_by_bucket, latency_s, port=0, host="127.0.0.1"):
    """Starts a server for sorted key lists on a daemon thread; stop it with ``shutdown()``."""
    server = ListingServer((host, port), keys_by_bucket, latency_s)
    threading.Thread(target=server.serve_forever, name="fake-s3-list-server", daemon=True).start()
    return server


# --------------------------------------------------------------------------------------------
# Command line


def _parse_bucket(spec):
    name, sep, layout = spec.partition("=")
    if not sep or not name or layout not in LAYOUTS:
        raise argparse.ArgumentTypeError(
            f"--bucket wants NAME=LAYOUT with LAYOUT one of {', '.join(LAYOUTS)}, got {spec!r}")
    return name, layout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", action="append", type=_parse_bucket, required=True,
                        metavar="NAME=LAYOUT",
                        help="a bucket and its layout (flat or foldered); repeat for more")
    parser.add_argument("--keys", type=int, default=1_000_000,
                        help="keys under the layout prefix of each bucket (default 1000000)")
    parser.add_argument("--folders", type=int, default=1000,
                        help="leaf folders of the foldered layout (default 1000)")
    parser.add_argument("--top-folders", type=int, default=10,
                        help="first-level folders of the foldered layout (default 10)")
    parser.add_argument("--latency-ms", type=float, default=80.0,
                        help="minimum time before any request is answered (default 80)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: random)")
    parser.add_argument("--port-file", help="also write the port to this file once listening")
    args = parser.parse_args(argv)
    if args.keys < 1:
        parser.error(f"--keys must be at least 1, was {args.keys}")
    if args.latency_ms < 0:
        parser.error(f"--latency-ms must not be negative, was {args.latency_ms}")

    buckets = {}
    for name, layout in args.bucket:
        started = time.monotonic()
        buckets[name] = generate_bucket(layout, args.keys, args.folders, args.top_folders)
        print(f"bucket {name}: {layout} layout, {args.keys} keys under {layout_prefix(layout)}"
              f" (+{len(OUTSIDE_PREFIX_KEYS)} outside), generated in "
              f"{time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)

    server = ListingServer(("127.0.0.1", args.port), buckets, args.latency_ms / 1000.0)
    port = server.server_address[1]

    def stop(signum, _frame):
        print(f"stopping on signal {signum}; counters since last reset: "
              f"{json.dumps(server.stats.snapshot())}", file=sys.stderr, flush=True)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="ascii") as handle:
            handle.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"PORT {port}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
