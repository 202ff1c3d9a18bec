#!/usr/bin/env python3
"""Seeds the download benchmark's objects into S3Proxy and checks downloads.

`seed` writes COUNT objects of SIZE random bytes straight into the directory that S3Proxy's
`filesystem` backend serves (`<basedir>/<bucket>/<key>`), each with the extended attribute that
backend reads its ETag from, and writes a manifest (key, size, SHA-256) next to them. That is many
times faster than uploading through S3Proxy and leaves the objects exactly as a PUT would have,
as far as a GET can tell (see `ETAG_XATTR`).

`upload` puts COUNT objects of SIZE bytes through S3Proxy with boto3 (Debian's python3-boto3), for
the in-memory store, which has no directory to write into: objects below the multipart threshold
with one PutObject each from many threads, larger ones one at a time as multipart uploads whose
parts go up in parallel, so that their ETags are `"<hex>-<parts>"` as S3 gives for such objects,
not MD5s. The content of each object is a function of its key (`object_bytes`), and the manifest
has the same format as `seed`'s.

`verify` compares a download directory against a manifest: every object present once, with the
right size and SHA-256, and nothing else (no leftover temporary files). It prints one
tab-separated line for the driver: files, bytes, missing, extra, wrong, layout.

Python 3 standard library only, but for `upload`; hashing uses one process per CPU.
"""

import argparse
import concurrent.futures
import hashlib
import io
import json
import os
import random
import sys
import threading
import time

# S3Proxy 4's nio2 stores keep an object's MD5 in the user-defined attribute "user.content-md5"
# through Java's UserDefinedFileAttributeView, which itself prefixes "user." on Linux: on disk the
# attribute is "user.user.content-md5", 16 raw bytes. Without it a GET answers with no ETag.
ETAG_XATTR = "user.user.content-md5"
CHUNK = 8 << 20
SEED_FORMAT = 1


def object_keys(prefix, count):
    width = max(6, len(str(count - 1)))
    return [f"{prefix}obj-{index:0{width}d}" for index in range(count)]


def write_object(path, size):
    """Writes SIZE random bytes to PATH with its ETag attribute; returns the SHA-256 hex digest."""
    md5 = hashlib.md5()
    sha256 = hashlib.sha256()
    with open(path, "wb") as handle:
        remaining = size
        while remaining > 0:
            block = os.urandom(min(CHUNK, remaining))
            md5.update(block)
            sha256.update(block)
            handle.write(block)
            remaining -= len(block)
    os.setxattr(path, ETAG_XATTR, md5.digest())
    return sha256.hexdigest()


def object_bytes(key, size):
    """SIZE pseudo-random bytes that depend on KEY alone (Mersenne Twister seeded with the key)."""
    generator = random.Random(key)
    return b"".join(generator.randbytes(min(CHUNK, size - start)) for start in range(0, size, CHUNK))


def upload(args):
    """Uploads the objects through S3 with boto3; writes the manifest once every object is in."""
    import boto3  # pylint: disable=import-outside-toplevel
    from boto3.s3.transfer import TransferConfig  # pylint: disable=import-outside-toplevel
    from botocore.config import Config  # pylint: disable=import-outside-toplevel

    local = threading.local()

    def client():
        if getattr(local, "client", None) is None:
            # Credentials and region come from the environment the benchmark sets.
            local.client = boto3.session.Session().client(
                "s3", endpoint_url=args.endpoint,
                config=Config(max_pool_connections=args.threads, retries={"max_attempts": 5, "mode": "standard"},
                              s3={"addressing_style": "path"}))
        return local.client

    try:
        client().create_bucket(Bucket=args.bucket)
    except client().exceptions.BucketAlreadyOwnedByYou:
        pass
    keys = object_keys(args.prefix, args.count)
    started = time.monotonic()
    rows = []
    if args.size < args.multipart_threshold:
        def put(key):
            body = object_bytes(key, args.size)
            client().put_object(Bucket=args.bucket, Key=key, Body=body)
            return key, args.size, hashlib.sha256(body).hexdigest()

        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            rows = list(pool.map(put, keys))
    else:
        transfer = TransferConfig(multipart_threshold=args.multipart_threshold, multipart_chunksize=args.part_size,
                                  max_concurrency=min(args.threads, 8), use_threads=True)
        for key in keys:
            body = object_bytes(key, args.size)
            client().upload_fileobj(io.BytesIO(body), args.bucket, key, Config=transfer)
            rows.append((key, args.size, hashlib.sha256(body).hexdigest()))
            del body
    elapsed = time.monotonic() - started
    # A multipart upload's ETag is "<hex>-<parts>"; a single PUT's is the MD5.
    sample = client().head_object(Bucket=args.bucket, Key=keys[-1])
    etag = sample["ETag"]
    multipart = "-" in etag
    if (args.size >= args.multipart_threshold) != multipart or sample["ContentLength"] != args.size:
        sys.exit(f"download_data: {keys[-1]} came back with ETag {etag} and {sample['ContentLength']} bytes")
    write_atomically(args.manifest, "".join(f"{key}\t{size}\t{digest}\n" for key, size, digest in rows))
    print(f"uploaded {args.count} objects of {args.size} bytes in {elapsed:.1f} s "
          f"({args.count / elapsed:.0f} objects/s, {args.count * args.size / elapsed / 1e6:.1f} MB/s), "
          f"{'multipart' if multipart else 'one PUT each'}, e.g. ETag {etag}", file=sys.stderr)
    if args.times:
        with open(args.times, "a", encoding="utf-8") as handle:
            handle.write(f"{args.prefix.rstrip('/')}\t{args.count}\t{args.size}\t{elapsed:.1f}\t"
                         f"{'multipart' if multipart else 'put'}\t{etag}\n")


def seed_batch(bucket_dir, keys, size):
    return [(key, size, write_object(os.path.join(bucket_dir, key), size)) for key in keys]


def batches(items, count):
    step = max(1, len(items) // (count * 8))
    return [items[start:start + step] for start in range(0, len(items), step)]


def seed(args):
    bucket_dir = os.path.join(args.basedir, args.bucket)
    os.makedirs(os.path.join(bucket_dir, args.prefix), exist_ok=True)
    probe = os.path.join(bucket_dir, args.prefix, ".xattr-probe")
    open(probe, "wb").close()
    try:
        os.setxattr(probe, ETAG_XATTR, b"0" * 16)
    except OSError as error:
        sys.exit(f"download_data: the file system under {args.basedir} does not take user extended "
                 f"attributes ({error}); S3Proxy would serve the objects without ETags")
    finally:
        os.remove(probe)
    keys = object_keys(args.prefix, args.count)
    workers = os.cpu_count() or 1
    rows = []
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        futures = [pool.submit(seed_batch, bucket_dir, batch, args.size)
                   for batch in batches(keys, workers)]
        for future in futures:
            rows.extend(future.result())
    write_atomically(args.manifest, "".join(f"{key}\t{size}\t{digest}\n" for key, size, digest in rows))
    stamp = {"format": SEED_FORMAT, "bucket": args.bucket, "prefix": args.prefix, "count": args.count,
             "size": args.size}
    write_atomically(args.stamp, json.dumps(stamp, sort_keys=True) + "\n")


def write_atomically(path, text):
    partial = path + ".tmp"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def read_manifest(path):
    manifest = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, size, digest = line.rstrip("\n").split("\t")
            manifest[key] = (int(size), digest)
    return manifest


def file_digest(path):
    sha256 = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            sha256.update(block)
    return sha256.hexdigest()


def digest_batch(paths):
    return [file_digest(path) for path in paths]


def downloaded_files(root):
    """Relative paths of every regular file under ROOT, hidden ones included."""
    found = []
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                found.append(os.path.relpath(path, root))
    return found


def choose_layout(relative_paths, manifest, bucket, prefix):
    """How the tool laid the keys out: the mapping from relative path to key that matches most."""
    layouts = {
        "key relative to the prefix": lambda path: prefix + path,
        "full key": lambda path: path,
        "bucket/key": lambda path: path[len(bucket) + 1:] if path.startswith(bucket + "/") else None,
    }
    best_name, best_hits = "key relative to the prefix", -1
    for name, to_key in layouts.items():
        hits = sum(1 for path in relative_paths if to_key(path) in manifest)
        if hits > best_hits:
            best_name, best_hits = name, hits
    return best_name, layouts[best_name]


def verify(args):
    manifest = read_manifest(args.manifest)
    relative_paths = downloaded_files(args.dir) if os.path.isdir(args.dir) else []
    layout, to_key = choose_layout(relative_paths, manifest, args.bucket, args.prefix)
    matched, extra = {}, []
    for path in relative_paths:
        key = to_key(path)
        if key in manifest and key not in matched:
            matched[key] = path
        else:
            extra.append(path)
    missing = sorted(set(manifest) - set(matched))
    total_bytes = sum(os.path.getsize(os.path.join(args.dir, path)) for path in relative_paths)
    wrong_size = [key for key, path in matched.items()
                  if os.path.getsize(os.path.join(args.dir, path)) != manifest[key][0]]
    wrong_size_keys = set(wrong_size)
    to_hash = [key for key in matched if key not in wrong_size_keys]
    workers = os.cpu_count() or 1
    wrong_content = []
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        key_batches = batches(to_hash, workers) if to_hash else []
        futures = [pool.submit(digest_batch, [os.path.join(args.dir, matched[key]) for key in batch])
                   for batch in key_batches]
        for batch, future in zip(key_batches, futures):
            for key, digest in zip(batch, future.result()):
                if digest != manifest[key][1]:
                    wrong_content.append(key)
    wrong = sorted(wrong_size + wrong_content)
    for label, items in (("missing", missing), ("extra", extra), ("wrong size or content", wrong)):
        if items:
            shown = ", ".join(items[:5]) + (" ..." if len(items) > 5 else "")
            print(f"download_data: {args.dir}: {len(items)} {label}: {shown}", file=sys.stderr)
    print("\t".join(str(field) for field in (
        len(relative_paths), total_bytes, len(missing), len(extra), len(wrong), layout)))


def evict(args):
    """Drops the directory's files from the page cache (they must have been synced: dirty pages stay)."""
    files = 0
    for root, _, names in os.walk(args.dir):
        for name in names:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
            files += 1
    print(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seed_parser = commands.add_parser("seed", help="write objects into the filesystem store")
    seed_parser.add_argument("--basedir", required=True, help="S3Proxy's jclouds.filesystem.basedir")
    seed_parser.add_argument("--bucket", required=True)
    seed_parser.add_argument("--prefix", required=True, help="key prefix, ending in /")
    seed_parser.add_argument("--count", type=int, required=True)
    seed_parser.add_argument("--size", type=int, required=True, help="bytes per object")
    seed_parser.add_argument("--manifest", required=True, help="manifest to write (key, size, sha256)")
    seed_parser.add_argument("--stamp", required=True, help="JSON written last, once all is in place")
    upload_parser = commands.add_parser("upload", help="put objects through S3 with boto3 (in-memory store)")
    upload_parser.add_argument("--endpoint", required=True, help="S3 endpoint URL (127.0.0.1)")
    upload_parser.add_argument("--bucket", required=True, help="created when missing")
    upload_parser.add_argument("--prefix", required=True, help="key prefix, ending in /")
    upload_parser.add_argument("--count", type=int, required=True)
    upload_parser.add_argument("--size", type=int, required=True, help="bytes per object")
    upload_parser.add_argument("--manifest", required=True, help="manifest to write (key, size, sha256)")
    upload_parser.add_argument("--threads", type=int, default=32, help="concurrent requests (default 32)")
    upload_parser.add_argument("--multipart-threshold", type=int, default=8 << 20,
                               help="objects of this size or more go up as multipart uploads (default 8 MiB)")
    upload_parser.add_argument("--part-size", type=int, default=16 << 20, help="multipart part size (default 16 MiB)")
    upload_parser.add_argument("--times", help="TSV to append a line to: prefix, count, size, seconds, kind, ETag")
    verify_parser = commands.add_parser("verify", help="compare a download directory with a manifest")
    verify_parser.add_argument("--dir", required=True)
    verify_parser.add_argument("--manifest", required=True)
    verify_parser.add_argument("--bucket", required=True)
    verify_parser.add_argument("--prefix", required=True)
    evict_parser = commands.add_parser(
        "evict", help="drop a kept download directory's files from the page cache (after sync)")
    evict_parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    if args.command == "evict":
        evict(args)
        return
    if args.command == "seed":
        if args.count < 1 or args.size < 0 or not args.prefix.endswith("/"):
            parser.error("seed needs --count >= 1, --size >= 0 and a --prefix ending in /")
        seed(args)
    elif args.command == "upload":
        if args.count < 1 or args.size < 0 or not args.prefix.endswith("/") or args.threads < 1:
            parser.error("upload needs --count >= 1, --size >= 0, --threads >= 1 and a --prefix ending in /")
        upload(args)
    else:
        verify(args)


if __name__ == "__main__":
    main()
