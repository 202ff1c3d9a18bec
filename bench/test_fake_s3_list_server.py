#!/usr/bin/env python3
"""Listing semantics of fake_s3_list_server, checked in-process and over HTTP (a few seconds).

Run: ``python3 bench/test_fake_s3_list_server.py`` (the boto3 round trip needs Debian's
python3-boto3, so run it with ``/usr/bin/python3``; it is skipped where boto3 is missing).
"""

import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fake_s3_list_server as fake  # noqa: E402  pylint: disable=wrong-import-position

NS = {"s3": fake.S3_XMLNS}

# Keys that XML 1.0 cannot carry or that URL encoding changes, plus multi-byte UTF-8.
ODD_KEYS = sorted([
    "odd/a b", "odd/a+b", "odd/a%2Bb", "odd/line\nbreak", "odd/amp&lt", "odd/caf\u00e9",
    "odd/\u65e5\u672c/x", "odd/\U0001f600", "odd/sub dir/x",
])


def drain(keys, **kwargs):
    """All pages of a listing: (keys, common prefixes, number of pages)."""
    listed, prefixes, pages, token = [], [], 0, None
    while True:
        contents, common, token = fake.list_page(keys, continuation_token=token, **kwargs)
        pages += 1
        listed.extend(keys[i] for i in contents)
        prefixes.extend(common)
        if token is None:
            return listed, prefixes, pages


class ListPageTest(unittest.TestCase):
    """The pure listing function, without HTTP."""

    def setUp(self):
        self.keys = fake.generate_bucket("foldered", 200, folders=20, top_folders=4)

    def test_foldered_layout_spreads_keys_evenly(self):
        inside = [k for k in self.keys if k.startswith("foldered/")]
        self.assertEqual(len(inside), 200)
        leaves = {k.rsplit("/", 1)[0] for k in inside}
        self.assertEqual(len(leaves), 20)
        self.assertEqual({k.split("/")[1] for k in inside}, {"g-00", "g-01", "g-02", "g-03"})
        self.assertEqual(self.keys, sorted(self.keys))

    def test_prefix_excludes_keys_outside_it(self):
        listed, prefixes, _ = drain(self.keys, prefix="foldered/", max_keys=1000)
        self.assertEqual(len(listed), 200)
        self.assertEqual(prefixes, [])
        self.assertTrue(all(k.startswith("foldered/") for k in listed))
        everything, _, _ = drain(self.keys)
        self.assertEqual(len(everything), 200 + len(fake.OUTSIDE_PREFIX_KEYS))

    def test_objects_and_common_prefixes_together_count_toward_max_keys(self):
        keys = sorted(["p/a", "p/b", "p/d1/x", "p/d1/y", "p/d2/x", "p/c", "p/e"])
        contents, common, token = fake.list_page(keys, "p/", "/", max_keys=3)
        self.assertEqual([keys[i] for i in contents], ["p/a", "p/b", "p/c"])
        self.assertEqual(common, [])
        contents, common, token = fake.list_page(keys, "p/", "/", continuation_token=token,
                                                 max_keys=2)
        self.assertEqual([keys[i] for i in contents], [])
        self.assertEqual(common, ["p/d1/", "p/d2/"])
        self.assertIsNotNone(token)
        contents, common, token = fake.list_page(keys, "p/", "/", continuation_token=token,
                                                 max_keys=2)
        self.assertEqual([keys[i] for i in contents], ["p/e"])
        self.assertEqual(common, [])
        self.assertIsNone(token)

    def test_token_after_a_common_prefix_skips_all_its_keys(self):
        listed, prefixes, pages = drain(self.keys, prefix="foldered/g-01/", delimiter="/",
                                        max_keys=1)
        self.assertEqual(listed, [])
        self.assertEqual(prefixes, [f"foldered/g-01/f-{i:03d}/" for i in range(5, 10)])
        self.assertEqual(pages, 5)

    def test_no_truncation_when_the_page_ends_exactly_at_the_last_key(self):
        keys = ["p/1", "p/2", "p/3", "q/1"]
        contents, _, token = fake.list_page(keys, "p/", max_keys=3)
        self.assertEqual(len(contents), 3)
        self.assertIsNone(token)

    def test_start_after_is_exclusive_and_may_name_a_missing_key(self):
        keys = ["k/1", "k/2", "k/3", "k/4"]
        contents, _, _ = fake.list_page(keys, "k/", start_after="k/2")
        self.assertEqual([keys[i] for i in contents], ["k/3", "k/4"])
        contents, _, _ = fake.list_page(keys, "k/", start_after="k/25")
        self.assertEqual([keys[i] for i in contents], ["k/3", "k/4"])
        contents, _, _ = fake.list_page(keys, "k/", start_after="a")
        self.assertEqual(len(contents), 4)

    def test_continuation_token_takes_precedence_over_start_after(self):
        keys = [f"k/{i}" for i in range(10)]
        _, _, token = fake.list_page(keys, "k/", max_keys=6)
        contents, _, _ = fake.list_page(keys, "k/", start_after="k/1", continuation_token=token)
        self.assertEqual([keys[i] for i in contents], ["k/6", "k/7", "k/8", "k/9"])

    def test_continuation_covers_every_key_once_in_order(self):
        keys = fake.generate_bucket("flat", 2500)
        listed, _, pages = drain(keys, prefix="flat/", max_keys=1000)
        self.assertEqual(listed, [k for k in keys if k.startswith("flat/")])
        self.assertEqual(pages, 3)

    def test_delimiter_rolls_up_only_below_the_prefix(self):
        listed, prefixes, _ = drain(self.keys, delimiter="/")
        self.assertEqual(listed, [])
        self.assertEqual(prefixes, ["_before/", "foldered/", "~after/"])

    def test_garbage_token_is_rejected(self):
        with self.assertRaises(fake.S3Error) as raised:
            fake.list_page(self.keys, continuation_token="not-a-token!")
        self.assertEqual(raised.exception.code, "InvalidArgument")


class HttpTest(unittest.TestCase):
    """The HTTP endpoint, with urllib and ElementTree."""

    LATENCY_S = 0.05

    @classmethod
    def setUpClass(cls):
        cls.server = fake.start_server(
            {"flat": fake.generate_bucket("flat", 2500), "odd": ODD_KEYS}, cls.LATENCY_S)
        cls.url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def request(self, path, method="GET"):
        req = urllib.request.Request(self.url + path, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def test_default_page_is_1000_keys_and_max_keys_is_capped(self):
        started = time.monotonic()
        status, _, body = self.request("/flat?list-type=2&prefix=flat%2F&max-keys=5000")
        self.assertGreaterEqual(time.monotonic() - started, self.LATENCY_S)
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext("s3:KeyCount", namespaces=NS), "1000")
        self.assertEqual(root.findtext("s3:MaxKeys", namespaces=NS), "1000")
        self.assertEqual(root.findtext("s3:IsTruncated", namespaces=NS), "true")
        self.assertEqual(len(root.findall("s3:Contents", NS)), 1000)
        self.assertTrue(root.findtext("s3:NextContinuationToken", namespaces=NS))

    def test_url_encoding_round_trips_odd_keys(self):
        from urllib.parse import unquote_plus  # pylint: disable=import-outside-toplevel
        status, _, body = self.request(
            "/odd?list-type=2&encoding-type=url&prefix=odd%2F&delimiter=%2F")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext("s3:EncodingType", namespaces=NS), "url")
        keys = [unquote_plus(e.text) for e in root.findall("s3:Contents/s3:Key", NS)]
        prefixes = [unquote_plus(e.text) for e in root.findall("s3:CommonPrefixes/s3:Prefix", NS)]
        self.assertEqual(keys, [k for k in ODD_KEYS if "/" not in k[len("odd/"):]])
        self.assertEqual(prefixes, ["odd/sub dir/", "odd/\u65e5\u672c/"])
        self.assertNotIn(b"\n", body.split(b"<ListBucketResult", 1)[1])

    def test_head_bucket_and_location(self):
        status, headers, _ = self.request("/flat", method="HEAD")
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("x-amz-bucket-region"), fake.REGION)
        status, _, _ = self.request("/missing", method="HEAD")
        self.assertEqual(status, 404)
        status, _, body = self.request("/flat?location")
        self.assertEqual(status, 200)
        self.assertEqual(ET.fromstring(body).tag, f"{{{fake.S3_XMLNS}}}LocationConstraint")

    def test_errors_name_the_problem(self):
        status, _, body = self.request("/missing?list-type=2")
        self.assertEqual((status, ET.fromstring(body).findtext("Code")), (404, "NoSuchBucket"))
        status, _, body = self.request("/flat?list-type=2&max-keys=lots")
        self.assertEqual((status, ET.fromstring(body).findtext("Code")), (400, "InvalidArgument"))
        status, _, body = self.request("/flat?list-type=2&continuation-token=zz")
        self.assertEqual((status, ET.fromstring(body).findtext("Code")), (400, "InvalidArgument"))
        status, _, body = self.request("/flat/some-object")
        self.assertEqual((status, ET.fromstring(body).findtext("Code")), (501, "NotImplemented"))

    def test_stats_count_requests_and_reset(self):
        self.request("/__stats/reset", method="POST")
        self.request("/flat?list-type=2&max-keys=1")
        self.request("/flat", method="HEAD")
        status, _, body = self.request("/__stats/reset", method="POST")
        self.assertEqual(status, 200)
        stats = json.loads(body)
        self.assertEqual(stats["requests"], 2)
        self.assertEqual(stats["by_operation"], {"ListObjectsV2": 1, "HeadBucket": 1})
        self.assertGreaterEqual(stats["first_to_last_response_s"], self.LATENCY_S)
        _, _, body = self.request("/__stats")
        self.assertEqual(json.loads(body)["requests"], 0)


class Boto3Test(unittest.TestCase):
    """A real SDK against the endpoint: paginator, url decoding, HeadBucket."""

    @classmethod
    def setUpClass(cls):
        try:
            import boto3  # pylint: disable=import-outside-toplevel
            from botocore.config import Config  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise unittest.SkipTest("boto3 is not installed (apt-get install python3-boto3)")
        cls.server = fake.start_server(
            {"foldered": fake.generate_bucket("foldered", 3000, folders=30, top_folders=3),
             "odd": ODD_KEYS}, 0.0)
        cls.s3 = boto3.client(
            "s3", endpoint_url=f"http://127.0.0.1:{cls.server.server_address[1]}",
            region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        cls.s3.close()
        cls.server.shutdown()
        cls.server.server_close()

    def test_paginator_lists_every_key(self):
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="foldered", Prefix="foldered/")
        keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
        self.assertEqual(len(keys), 3000)
        self.assertEqual(keys, sorted(keys))

    def test_paginator_with_delimiter_and_odd_keys(self):
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="odd", Prefix="odd/", Delimiter="/", PaginationConfig={"PageSize": 2})
        keys, prefixes = [], []
        for page in pages:
            keys.extend(o["Key"] for o in page.get("Contents", []))
            prefixes.extend(p["Prefix"] for p in page.get("CommonPrefixes", []))
        self.assertEqual(keys, [k for k in ODD_KEYS if "/" not in k[len("odd/"):]])
        self.assertEqual(prefixes, ["odd/sub dir/", "odd/\u65e5\u672c/"])

    def test_head_bucket(self):
        self.assertEqual(
            self.s3.head_bucket(Bucket="odd")["ResponseMetadata"]["HTTPStatusCode"], 200)


if __name__ == "__main__":
    unittest.main()
