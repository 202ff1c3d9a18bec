package io.bucketflow.connectors.s3.download;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Function;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;

/**
 * A full-object checksum S3 sent with a {@code GetObject} response ({@code x-amz-checksum-<algorithm>}
 * when asked with {@code x-amz-checksum-mode: ENABLED}), and the check of a body against it as the
 * body streams: a body whose bytes do not match ends with {@link S3ReadException#checksumMismatch}
 * instead of completing.
 *
 * <p>Composite checksums of multipart uploads ({@code x-amz-checksum-type: COMPOSITE}, or a value
 * ending in {@code -<parts>}) are checksums of the parts' checksums, which no single pass over the
 * body can check: they are not taken. The checksums are the SDK's own implementations ({@link
 * SdkChecksum}; CRC64NVME comes from the AWS CRT).
 *
 * @param algorithm the algorithm's name as S3 spells it in upper case, e.g. {@code CRC32}
 * @param expectedBase64 the checksum S3 sent, base64 of its bytes
 */
record FullObjectChecksum(String algorithm, String expectedBase64) {
    /** The algorithms looked for, in order: the first one S3 sent a full-object checksum of is checked. */
    private static final List<ChecksumAlgorithm> ALGORITHMS = List.of(
            DefaultChecksumAlgorithm.CRC64NVME,
            DefaultChecksumAlgorithm.CRC32C,
            DefaultChecksumAlgorithm.CRC32,
            DefaultChecksumAlgorithm.SHA256,
            DefaultChecksumAlgorithm.SHA1);

    /**
     * The full-object checksum a response's headers carry, if any.
     *
     * @param header a response header's value by its name (in any case), or empty
     */
    static Optional<FullObjectChecksum> sentWith(Function<String, Optional<String>> header) {
        if (header.apply("x-amz-checksum-type").filter("COMPOSITE"::equalsIgnoreCase).isPresent()) {
            return Optional.empty();
        }
        for (ChecksumAlgorithm algorithm : ALGORITHMS) {
            String name = algorithm.algorithmId().toUpperCase(Locale.ROOT);
            Optional<String> value = header.apply("x-amz-checksum-" + name.toLowerCase(Locale.ROOT));
            if (value.isPresent()) {
                return value.get().contains("-") ? Optional.empty() : Optional.of(new FullObjectChecksum(name, value.get()));
            }
        }
        return Optional.empty();
    }

    /** {@code body}, checked against this checksum as it streams. */
    Flow.Publisher<ByteBuffer> verify(Flow.Publisher<ByteBuffer> body) {
        return subscriber -> body.subscribe(new Verifier(subscriber));
    }

    /** Passes a body on, computing its checksum, and turns its completion into a failure on a mismatch. */
    private final class Verifier implements Flow.Subscriber<ByteBuffer> {
        private final Flow.Subscriber<? super ByteBuffer> downstream;
        private final SdkChecksum checksum = SdkChecksum.forAlgorithm(DefaultChecksumAlgorithm.fromValue(algorithm));

        Verifier(Flow.Subscriber<? super ByteBuffer> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(ByteBuffer chunk) {
            checksum.update(chunk.duplicate());
            downstream.onNext(chunk);
        }

        @Override
        public void onError(Throwable error) {
            downstream.onError(error);
        }

        @Override
        public void onComplete() {
            String actual = Base64.getEncoder().encodeToString(checksum.getChecksumBytes());
            if (actual.equals(expectedBase64)) {
                downstream.onComplete();
            } else {
                downstream.onError(S3ReadException.checksumMismatch(
                        "the body has a different checksum than expected: " + algorithm + " " + actual
                                + ", S3 sent " + expectedBase64,
                        null));
            }
        }
    }
}
