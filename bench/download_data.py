#!/usr/bin/env python3
"""Seeds the download benchmark's objects into S3Proxy's filesystem store and checks downloads.

`seed` writes COUNT objects of SIZE random bytes straight into the directory that S3Proxy's
`filesystem` backend serves (`<basedir>/<bucket>/<key>`), each with the extended attribute that
backend reads its ETag from, and writes a manifest (key, size, SHA-256) next to them. That is many
times faster than uploading through S3Proxy and leaves the objects exactly as a PUT would have,
as far as a GET can tell (see `ETAG_XATTR`).

`verify` compares a download directory against a manifest: every object present once, with the
right size and SHA-256, and nothing else (no leftover temporary files). It prints one
tab-separated line for the driver: files, bytes, missing, extra, wrong, layout.

Python 3 standard library only; hashing uses one process per CPU.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import sys

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
    else:
        verify(args)


if __name__ == "__main__":
    main()
