#!/usr/bin/env python3
"""Sequential ListObjectsV2 pager with boto3's paginator: prints how many keys it listed.

The reference peer of the listing benchmark: one request in flight at a time, 1000 keys a page,
what most scripts that list a bucket do. Run with Debian's interpreter (``/usr/bin/python3``,
package python3-boto3). Credentials are dummies: the fake endpoint does not check signatures.

Usage: ``boto3_pager.py --endpoint-url http://127.0.0.1:PORT --bucket B [--prefix P]``
"""

import argparse

import boto3
from botocore.config import Config


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint-url", required=True, help="S3 endpoint, e.g. http://127.0.0.1:9000")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()
    s3 = boto3.client(
        "s3",
        endpoint_url=args.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(s3={"addressing_style": "path"}),
    )
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=args.bucket, Prefix=args.prefix):
        count += len(page.get("Contents", ()))
    print(count)


if __name__ == "__main__":
    main()
