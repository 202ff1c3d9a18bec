package io.bucketflow.job.download;

import io.bucketflow.connectors.s3.download.ObjectDownloadRequest;
import io.bucketflow.connectors.s3.download.ObjectKeyPaths;
import io.bucketflow.connectors.s3.download.KeyPath;
import io.bucketflow.job.download.messages.EventFilter;
import io.bucketflow.job.download.messages.MessageParser;
import io.bucketflow.job.download.messages.ObjectEvent;
import io.bucketflow.job.download.messages.ParsedMessage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what a message asks for: parses its body (any format {@link MessageParser} detects),
 * skips the events the {@link EventFilter} rejects, and maps each remaining key to a safe path
 * under the download folder. Any problem that no retry can fix (a malformed body, a key that would
 * leave the folder, a bucket other than {@code --bucket}) refuses the whole message, so that it is
 * dead-lettered whole rather than half done. Pure and deterministic: the same body always gets
 * the same plan, on every attempt and every redelivery.
 */
public final class MessagePlanner implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED_CHARS = 120;

    private final MessageParser parser;
    private final EventFilter filter;
    private final String onlyBucket;

    /**
     * @param onlyBucket when not null, the bucket of messages that name none, and the only bucket
     *     accepted
     */
    public MessagePlanner(EventFilter filter, String onlyBucket) {
        this.parser = new MessageParser(onlyBucket);
        this.filter = filter;
        this.onlyBucket = onlyBucket;
    }

    public MessagePlan plan(String body) {
        ParsedMessage parsed = parser.parse(body);
        if (parsed instanceof ParsedMessage.Malformed malformed) {
            return new MessagePlan.Refused("malformed message: " + malformed.reason());
        }
        if (parsed instanceof ParsedMessage.TestEvent) {
            return new MessagePlan.NothingToDo(true, 0);
        }
        List<ObjectEvent> events = ((ParsedMessage.ObjectEvents) parsed).events();
        List<ObjectDownloadRequest> requests = new ArrayList<>();
        int skipped = 0;
        for (ObjectEvent event : events) {
            if (filter.skipReason(event).isPresent()) {
                skipped++;
                continue;
            }
            Optional<String> refusal = refusal(event);
            if (refusal.isPresent()) {
                return new MessagePlan.Refused(refusal.get());
            }
            KeyPath path = ObjectKeyPaths.resolve(event.key());
            if (path instanceof KeyPath.Refused refused) {
                return new MessagePlan.Refused(
                        "key " + quoted(event.rawKey()) + " cannot be written under the download folder: "
                                + refused.reason());
            }
            requests.add(
                    new ObjectDownloadRequest(
                            event.bucket(),
                            event.key(),
                            event.versionId(),
                            event.eTag(),
                            event.size(),
                            ((KeyPath.Safe) path).relativePath()));
        }
        return requests.isEmpty() ? new MessagePlan.NothingToDo(false, skipped) : new MessagePlan.Downloads(requests, skipped);
    }

    private Optional<String> refusal(ObjectEvent event) {
        if (onlyBucket != null && !onlyBucket.equals(event.bucket())) {
            return Optional.of(
                    "the message is about bucket " + quoted(event.bucket()) + ", not --bucket " + quoted(onlyBucket));
        }
        return Optional.empty();
    }

    /** The text in quotes, cut to {@value #MAX_QUOTED_CHARS} characters so a reason stays readable. */
    private static String quoted(String text) {
        return "'" + (text.length() > MAX_QUOTED_CHARS ? text.substring(0, MAX_QUOTED_CHARS) + "..." : text) + "'";
    }
}
