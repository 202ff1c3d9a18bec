package io.bucketflow.connectors.s3.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.testing.KeyLayouts;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link AwsS3ListingClient} against S3Proxy over HTTP: paging, delimiters, {@code start-after},
 * key encoding, and the places where S3Proxy's listings differ from S3's.
 */
class AwsS3ListingClientITCase {
    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static AwsS3ListingClient client;

    @BeforeAll
    static void createClient() {
        // Built like the job builds it: default credential chain, which the extension satisfies.
        client = AwsS3ListingClient.create(S3.connectionConfig());
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void pagedFlatListingReturnsEverySeededKeyInOrder() {
        String bucket = newBucket();
        List<String> keys = KeyLayouts.flat("flat/", 2_500);
        S3.seed(bucket, keys);

        List<ListingPage> pages = listAll(new ListingRequest(bucket, "", null, null, 1000, null));

        assertThat(pages).extracting(page -> page.objects().size()).containsExactly(1000, 1000, 500);
        assertThat(pages).extracting(ListingPage::isTruncated).containsExactly(true, true, false);
        assertThat(keysOf(pages)).containsExactlyElementsOf(keys);
    }

    @Test
    void pagedListingOfMixedKeysReturnsEachExactlyOnceWithItsSizeAndETag() {
        String bucket = newBucket();
        // S3Proxy reads the whole bucket for every page, so the cost grows with the square of the
        // size: 20,000 keys (20 pages) take 10 to 25 seconds here, 6,000 keys a few.
        List<String> keys = KeyLayouts.mixed(6_000);
        S3.seed(bucket, keys);

        List<ListingPage> pages = listAll(new ListingRequest(bucket, "", null, null, 1000, null));

        assertThat(pages).hasSize(6);
        List<S3ObjectRef> objects = pages.stream().flatMap(page -> page.objects().stream()).toList();
        // Set equality on top of equal sizes: AssertJ's any-order containment is quadratic.
        List<String> listed = objects.stream().map(S3ObjectRef::getKey).toList();
        assertThat(listed).hasSameSizeAs(keys).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(new HashSet<>(keys));
        objects.forEach(object -> assertSeeded(bucket, object));
    }

    @Test
    void awkwardKeysComeBackExactlyAcrossPagesOfOne() {
        String bucket = newBucket();
        List<String> keys = KeyLayouts.awkward("awkward/");
        S3.putObjects(bucket, seedBodies(keys));

        // A page of one makes every key the continuation token of the next request as well.
        List<ListingPage> pages = listAll(new ListingRequest(bucket, "awkward/", null, null, 1, null));

        assertThat(pages).hasSize(keys.size()).allSatisfy(page -> assertThat(page.objects()).hasSize(1));
        assertThat(keysOf(pages)).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(pages).allSatisfy(page -> assertSeeded(bucket, page.objects().get(0)));
    }

    @Test
    void theStreamingParserReadsEveryPageAsTheSdkDoes() {
        String bucket = newBucket();
        List<String> keys = new ArrayList<>(KeyLayouts.awkward("same/"));
        keys.addAll(KeyLayouts.foldered("same/f/", 3, 4));
        S3.putObjects(bucket, seedBodies(keys));

        try (AwsS3ListingClient sdkParsed = new AwsS3ListingClient(S3.connectionConfig().createS3Client())) {
            for (String delimiter : java.util.Arrays.asList(null, "/")) {
                ListingRequest request = new ListingRequest(bucket, "same/", null, delimiter, 3, null);
                ListingPage fast = client.list(request);
                ListingPage sdk = sdkParsed.list(request);
                while (true) {
                    assertThat(fast).isEqualTo(sdk);
                    if (!fast.isTruncated()) {
                        break;
                    }
                    fast = client.list(request.next(fast));
                    sdk = sdkParsed.list(request.next(sdk));
                }
            }
        }
    }

    @Test
    void urlEncodedKeysAreDecodedExactlyOnce() {
        String bucket = newBucket();
        // Each pair would collapse into one key if the client decoded twice, or once too few.
        List<String> keys = List.of("dec/a+b", "dec/a%2Bb", "dec/a b", "dec/a%20b", "dec/a\nb", "dec/a%0Ab", "dec/100%");
        S3.putObjects(bucket, seedBodies(keys));

        ListingPage page = client.list(new ListingRequest(bucket, "dec/", null, null, 1000, null));

        assertThat(page.objects()).extracting(S3ObjectRef::getKey).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void delimiterListingReturnsCommonPrefixesAndDirectObjects() {
        String bucket = newBucket();
        S3.putObjects(
                bucket,
                seedBodies(List.of("d/a.txt", "d/b/1", "d/b/2", "d/c/x/y", "d/marker/", "d/sp ace+%2B/1", "d/z.txt", "e/1")));

        ListingPage page = client.list(new ListingRequest(bucket, "d/", null, "/", 1000, null));

        assertThat(page.objects()).extracting(S3ObjectRef::getKey).containsExactly("d/a.txt", "d/z.txt");
        assertThat(page.commonPrefixes()).containsExactly("d/b/", "d/c/", "d/marker/", "d/sp ace+%2B/");
        assertThat(page.isTruncated()).isFalse();
    }

    @Test
    void delimiterListingOfAFolderMarkersOwnPrefixReturnsTheMarkerAsAnObject() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("m/", "m/child", "m/sub/leaf")));

        ListingPage page = client.list(new ListingRequest(bucket, "m/", null, "/", 1000, null));

        assertThat(page.objects()).extracting(S3ObjectRef::getKey).containsExactly("m/", "m/child");
        assertThat(page.commonPrefixes()).containsExactly("m/sub/");
    }

    @Test
    void startAfterIsExclusive() {
        String bucket = newBucket();
        List<String> keys = KeyLayouts.flat("s/", 10);
        S3.seed(bucket, keys);

        ListingPage fromExistingKey = client.list(new ListingRequest(bucket, "s/", keys.get(3), null, 1000, null));
        ListingPage fromBetweenKeys = client.list(new ListingRequest(bucket, "s/", keys.get(3) + "!", null, 1000, null));

        assertThat(fromExistingKey.objects()).extracting(S3ObjectRef::getKey).containsExactlyElementsOf(keys.subList(4, 10));
        assertThat(fromBetweenKeys.objects()).extracting(S3ObjectRef::getKey).containsExactlyElementsOf(keys.subList(4, 10));
    }

    @Test
    void startAfterHoldsAcrossContinuationPages() {
        String bucket = newBucket();
        List<String> keys = KeyLayouts.flat("s/", 10);
        S3.seed(bucket, keys);

        List<ListingPage> pages = listAll(new ListingRequest(bucket, "s/", keys.get(1), null, 3, null));

        assertThat(pages).extracting(page -> page.objects().size()).containsExactly(3, 3, 2);
        assertThat(keysOf(pages)).containsExactlyElementsOf(keys.subList(2, 10));
    }

    /** S3 semantics, which S3Proxy follows: objects plus common prefixes fill at most max-keys. */
    @Test
    void maxKeysWithADelimiterCountsCommonPrefixes() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("a/1", "a/2", "b", "c/1", "c/2", "d", "e/1")));

        List<ListingPage> pages = listAll(new ListingRequest(bucket, "", null, "/", 2, null));

        assertThat(pages).hasSize(3);
        assertThat(pages.get(0).commonPrefixes()).containsExactly("a/");
        assertThat(pages.get(0).objects()).extracting(S3ObjectRef::getKey).containsExactly("b");
        assertThat(pages.get(1).commonPrefixes()).containsExactly("c/");
        assertThat(pages.get(1).objects()).extracting(S3ObjectRef::getKey).containsExactly("d");
        assertThat(pages.get(2).commonPrefixes()).containsExactly("e/");
        assertThat(pages.get(2).objects()).isEmpty();
    }

    /**
     * Where S3Proxy departs from S3: given a {@code start-after} inside a common prefix's span
     * ("a/b/m", with "a/b/x" still to come), S3 rolls "a/b/x" up and returns "a/b/" again;
     * S3Proxy compares the start-after with the rolled-up name "a/b/", finds it smaller and drops
     * the whole prefix. A prefix the start-after precedes ("a/b") is returned as usual.
     */
    @Test
    void s3ProxyDropsACommonPrefixWhoseSpanHoldsTheStartAfter() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("a/b/a", "a/b/x", "a/c")));

        ListingPage insideSpan = client.list(new ListingRequest(bucket, "a/", "a/b/m", "/", 1000, null));
        ListingPage atPrefix = client.list(new ListingRequest(bucket, "a/", "a/b/", "/", 1000, null));
        ListingPage beforePrefix = client.list(new ListingRequest(bucket, "a/", "a/b", "/", 1000, null));
        ListingPage flatInsideSpan = client.list(new ListingRequest(bucket, "a/", "a/b/m", null, 1000, null));

        assertThat(insideSpan.commonPrefixes()).isEmpty();
        assertThat(insideSpan.objects()).extracting(S3ObjectRef::getKey).containsExactly("a/c");
        assertThat(atPrefix.commonPrefixes()).isEmpty();
        assertThat(atPrefix.objects()).extracting(S3ObjectRef::getKey).containsExactly("a/c");
        assertThat(beforePrefix.commonPrefixes()).containsExactly("a/b/");
        assertThat(flatInsideSpan.objects()).extracting(S3ObjectRef::getKey).containsExactly("a/b/x", "a/c");
    }

    /**
     * Where S3Proxy departs from S3: S3 orders keys by their UTF-8 bytes, which puts a character
     * beyond the Basic Multilingual Plane (U+1F600, F0 9F 98 80) after U+FFFD and U+FFFF (EF BF
     * ..); S3Proxy orders by {@link String#compareTo}, UTF-16 code units, where the emoji's high
     * surrogate (D83D) sorts before them. Code comparing keys with S3's order must not expect
     * S3Proxy's listings to follow it.
     */
    @Test
    void s3ProxyOrdersKeysByUtf16WhereS3OrdersByUtf8() {
        String bucket = newBucket();
        String emoji = "o/\uD83D\uDE00";
        String replacement = "o/\uFFFD";
        String noncharacter = "o/\uFFFF";
        String cjk = "o/\u6F22";
        S3.putObjects(bucket, seedBodies(List.of(noncharacter, emoji, "o/z", replacement, cjk)));

        ListingPage page = client.list(new ListingRequest(bucket, "o/", null, null, 1000, null));

        List<String> listed = page.objects().stream().map(S3ObjectRef::getKey).toList();
        assertThat(listed).containsExactly("o/z", cjk, emoji, replacement, noncharacter);
        assertThat(listed).isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(listed.stream().sorted(AwsS3ListingClientITCase::compareUtf8).toList())
                .containsExactly("o/z", cjk, replacement, noncharacter, emoji);
    }

    /** S3Proxy stores keys as filesystem paths and normalizes them: the listed key differs. */
    @Test
    void s3ProxyCollapsesDoubledSlashesAndDotSegments() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("n/doubled//slash", "n/dot/./segment")));

        ListingPage page = client.list(new ListingRequest(bucket, "n/", null, null, 1000, null));

        assertThat(page.objects()).extracting(S3ObjectRef::getKey).containsExactly("n/dot/segment", "n/doubled/slash");
    }

    /**
     * S3Proxy writes the last key of a page as the raw NextContinuationToken, not URL-encoded, so a
     * page that ends with a key XML 1.0 cannot carry (U+FFFF here) is not well-formed XML. The
     * listing reads such a token as the bytes it is and pages on, as it reads the key itself.
     */
    @Test
    void aRawContinuationTokenThatXmlCannotCarryStillPagesOn() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("x/1-\uFFFF", "x/2")));

        ListingPage whole = client.list(new ListingRequest(bucket, "x/", null, null, 1000, null));
        ListingPage first = client.list(new ListingRequest(bucket, "x/", null, null, 1, null));
        ListingPage second = client.list(new ListingRequest(bucket, "x/", null, null, 1, first.nextContinuationToken()));

        assertThat(whole.objects()).extracting(S3ObjectRef::getKey).containsExactly("x/1-\uFFFF", "x/2");
        assertThat(first.objects()).extracting(S3ObjectRef::getKey).containsExactly("x/1-\uFFFF");
        assertThat(first.nextContinuationToken()).isEqualTo("x/1-\uFFFF");
        assertThat(second.objects()).extracting(S3ObjectRef::getKey).containsExactly("x/2");
    }

    /** The filesystem under S3Proxy cannot hold "k" next to "k/child"; S3 can. */
    @Test
    void s3ProxyRefusesAKeyThatIsAlsoAFolder() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("k")));

        assertThatThrownBy(() -> S3.putObjects(bucket, seedBodies(List.of("k/child"))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    }

    @Test
    void checkBucketPassesForABucketWhoseFirstKeyXmlCannotCarry() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("\uFFFF-first")));

        client.checkBucket(bucket, "");
    }

    @Test
    void checkBucketListsOneKeyUnderTheJobsPrefixOnly() {
        String bucket = newBucket();
        S3.putObjects(bucket, seedBodies(List.of("other/a", "wanted/b")));
        List<ListObjectsV2Request> sent = new CopyOnWriteArrayList<>();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof ListObjectsV2Request listing) {
                    sent.add(listing);
                }
            }
        };

        try (AwsS3ListingClient recorded = new AwsS3ListingClient(S3.connectionConfig().createS3Client(recorder))) {
            recorded.checkBucket(bucket, "wanted/");
            recorded.checkBucket(bucket, "");
        }

        assertThat(sent)
                .extracting(ListObjectsV2Request::prefix, ListObjectsV2Request::maxKeys)
                .containsExactly(tuple("wanted/", 1), tuple(null, 1));
    }

    @Test
    void checkBucketNamesAMissingBucket() {
        assertThatThrownBy(() -> client.checkBucket("no-such-bucket", "p/"))
                .isInstanceOf(S3ListingException.class)
                .hasMessage("Bucket no-such-bucket does not exist")
                .hasCauseInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void listingAMissingBucketNamesIt() {
        assertThatThrownBy(() -> client.list(new ListingRequest("no-such-bucket", "p/", null, null, 10, null)))
                .isInstanceOf(S3ListingException.class)
                .hasMessageStartingWith("Listing s3://no-such-bucket/p/ failed")
                .hasCauseInstanceOf(NoSuchBucketException.class);
    }

    private static String newBucket() {
        return S3.createBucket("listing-" + BUCKETS.incrementAndGet());
    }

    private static List<ListingPage> listAll(ListingRequest first) {
        List<ListingPage> pages = new ArrayList<>();
        ListingRequest request = first;
        while (true) {
            ListingPage page = client.list(request);
            pages.add(page);
            if (!page.isTruncated()) {
                return pages;
            }
            request = request.next(page);
        }
    }

    private static List<String> keysOf(List<ListingPage> pages) {
        return pages.stream().flatMap(page -> page.objects().stream()).map(S3ObjectRef::getKey).toList();
    }

    private static Map<String, byte[]> seedBodies(List<String> keys) {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        keys.forEach(key -> objects.put(key, S3ProxyExtension.seedBody(key)));
        return objects;
    }

    private static void assertSeeded(String bucket, S3ObjectRef object) {
        byte[] body = S3ProxyExtension.seedBody(object.getKey());
        assertThat(object.getBucket()).isEqualTo(bucket);
        assertThat(object.getSize()).as("size of %s", object.getKey()).isEqualTo(body.length);
        assertThat(object.getETag()).as("eTag of %s", object.getKey()).isEqualTo(md5Hex(body));
        assertThat(object.getLastModifiedMillis()).isPositive();
        assertThat(object.getVersionId()).isNull();
    }

    private static String md5Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int compareUtf8(String left, String right) {
        return Arrays.compareUnsigned(
                left.getBytes(StandardCharsets.UTF_8), right.getBytes(StandardCharsets.UTF_8));
    }
}
