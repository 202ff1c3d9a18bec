package io.bucketflow.job.download;

import io.bucketflow.connectors.s3.download.ObjectDownloadRequest;
import java.util.List;

/** What to do with one received message, decided from its body alone, before any download. */
public sealed interface MessagePlan {

    /**
     * Nothing to download, and nothing wrong: a test event, or only events the filters skip.
     *
     * @param testEvent whether the message was an {@code s3:TestEvent}
     * @param skipped how many object events the filters skipped
     */
    record NothingToDo(boolean testEvent, int skipped) implements MessagePlan {}

    /** The message cannot succeed, whatever the number of attempts; dead-lettered with the reason. */
    record Refused(String reason) implements MessagePlan {}

    /**
     * The objects to download; the message is done when all are in place.
     *
     * @param skipped how many other object events of the message the filters skipped
     */
    record Downloads(List<ObjectDownloadRequest> requests, int skipped) implements MessagePlan {
        public Downloads {
            requests = List.copyOf(requests);
        }
    }
}
