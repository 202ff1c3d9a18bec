package io.bucketflow.connectors.s3.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Takes the body of a successful {@code ListObjectsV2} response away from the SDK for {@link
 * ListBucketResultParser}, and hands the SDK an empty result to unmarshal instead.
 *
 * <p>Profiling showed the SDK's generic XML unmarshalling to be three quarters of a listing
 * reader's CPU time; a listing reader parses a thousand keys per page and little else. Everything
 * else stays the SDK's: endpoints, signing, retries, and errors (only 2xx responses of requests
 * that carry a {@link Capture} are touched). Runs on the thread making the call.
 */
final class ListingResponseCapture implements ExecutionInterceptor {
    /** The holder a request carries for its response body. */
    static final ExecutionAttribute<Capture> CAPTURE = new ExecutionAttribute<>("bucketflow.listingCapture");

    private static final byte[] EMPTY_RESULT =
            ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></ListBucketResult>")
                    .getBytes(StandardCharsets.UTF_8);

    @Override
    public Optional<InputStream> modifyHttpResponseContent(
            Context.ModifyHttpResponse context, ExecutionAttributes executionAttributes) {
        Capture capture = executionAttributes.getAttribute(CAPTURE);
        Optional<InputStream> body = context.responseBody();
        if (capture == null || body.isEmpty() || !context.httpResponse().isSuccessful()) {
            return body;
        }
        try (InputStream in = body.get()) {
            capture.body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading a ListObjectsV2 response failed", e);
        }
        return Optional.of(new ByteArrayInputStream(EMPTY_RESULT));
    }

    /** The body of one response, once the call returned; null if the SDK parsed it itself. */
    static final class Capture {
        private byte[] body;

        byte[] body() {
            return body;
        }
    }
}
