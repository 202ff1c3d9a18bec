package io.bucketflow.job.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.download.ObjectDownloadRequest;
import io.bucketflow.job.download.messages.EventFilter;
import org.junit.jupiter.api.Test;

class MessagePlannerTest {
    private static final MessagePlanner ANY_BUCKET = new MessagePlanner(EventFilter.defaults(), null);
    private static final MessagePlanner ONLY_UPLOADS = new MessagePlanner(EventFilter.defaults(), "uploads");

    @Test
    void givenAnObjectEvent_whenPlanned_thenItsObjectIsDownloadedPinnedToItsETagUnderItsKey() {
        MessagePlan plan = ANY_BUCKET.plan(
                "{\"bucket\":\"uploads\",\"key\":\"photos/cat 1.jpg\",\"size\":42,\"eTag\":\"\\\"abc\\\"\"}");

        assertThat(plan).isInstanceOf(MessagePlan.Downloads.class);
        MessagePlan.Downloads downloads = (MessagePlan.Downloads) plan;
        assertThat(downloads.skipped()).isZero();
        ObjectDownloadRequest request = downloads.requests().get(0);
        assertThat(request.bucket()).isEqualTo("uploads");
        assertThat(request.key()).isEqualTo("photos/cat 1.jpg");
        assertThat(request.relativePath()).isEqualTo("photos/cat 1.jpg");
        assertThat(request.eTag()).isEqualTo("abc");
        assertThat(request.expectedSize()).isEqualTo(42);
    }

    @Test
    void givenAKeyOnlyMessage_whenTheBucketIsGiven_thenItIsDownloadedFromIt() {
        MessagePlan plan = ONLY_UPLOADS.plan("reports/q3.pdf");

        assertThat(((MessagePlan.Downloads) plan).requests())
                .singleElement()
                .satisfies(request -> assertThat(request.bucket()).isEqualTo("uploads"));
    }

    @Test
    void givenAnotherBucketThanTheOneGiven_whenPlanned_thenTheMessageIsRefusedNamingBoth() {
        MessagePlan plan = ONLY_UPLOADS.plan("{\"bucket\":\"elsewhere\",\"key\":\"a.txt\"}");

        assertThat(plan).isInstanceOf(MessagePlan.Refused.class);
        assertThat(((MessagePlan.Refused) plan).reason()).contains("'elsewhere'").contains("--bucket 'uploads'");
    }

    @Test
    void givenAKeyThatWouldLeaveTheFolder_whenPlanned_thenTheMessageIsRefusedWithTheReason() {
        MessagePlan plan = ANY_BUCKET.plan("{\"bucket\":\"uploads\",\"key\":\"../../etc/passwd\"}");

        assertThat(plan).isInstanceOf(MessagePlan.Refused.class);
        assertThat(((MessagePlan.Refused) plan).reason())
                .contains("'../../etc/passwd'")
                .contains("cannot be written under the download folder");
    }

    @Test
    void givenAVeryLongRefusedKey_whenPlanned_thenTheReasonQuotesOnlyItsBeginning() {
        String longKey = "x/" + "y".repeat(300);

        MessagePlan plan = ANY_BUCKET.plan("{\"bucket\":\"uploads\",\"key\":\"" + longKey + "\"}");

        assertThat(((MessagePlan.Refused) plan).reason()).doesNotContain(longKey).contains("...");
    }

    @Test
    void givenAMalformedBody_whenPlanned_thenItIsRefusedAsMalformed() {
        MessagePlan plan = ANY_BUCKET.plan("{\"Records\": [");

        assertThat(plan).isInstanceOf(MessagePlan.Refused.class);
        assertThat(((MessagePlan.Refused) plan).reason()).startsWith("malformed message: ");
    }

    @Test
    void givenATestEvent_whenPlanned_thenThereIsNothingToDo() {
        MessagePlan plan = ANY_BUCKET.plan(
                "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"uploads\"}");

        assertThat(plan).isEqualTo(new MessagePlan.NothingToDo(true, 0));
    }

    @Test
    void givenOnlyEventsTheFilterSkips_whenPlanned_thenThereIsNothingToDoAndTheyAreCounted() {
        MessagePlanner onlyJpegs =
                new MessagePlanner(EventFilter.builder().eventPatterns("ObjectCreated:*").keySuffix(".jpg").build(), null);

        MessagePlan folderMarker = onlyJpegs.plan("{\"bucket\":\"uploads\",\"key\":\"photos/\"}");
        MessagePlan notAJpeg = onlyJpegs.plan("{\"bucket\":\"uploads\",\"key\":\"photos/a.png\"}");

        assertThat(folderMarker).isEqualTo(new MessagePlan.NothingToDo(false, 1));
        assertThat(notAJpeg).isEqualTo(new MessagePlan.NothingToDo(false, 1));
    }
}
