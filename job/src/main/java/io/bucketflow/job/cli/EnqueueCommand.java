package io.bucketflow.job.cli;

import io.bucketflow.job.enqueue.DeliveryGuarantee;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.enqueue.messages.FifoGroupBy;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bucketflow enqueue}: one SQS message per object version of a bucket listing. */
@Command(
        name = "enqueue",
        sortOptions = false,
        description = "List a bucket and send one SQS message per object version.")
final class EnqueueCommand {
    @Mixin CommonOptions common;

    @Option(names = "--queue-url", paramLabel = "URL", description = "The SQS queue URL (required).")
    String queueUrl;

    @Mixin SqsEndpointOption sqs;

    @Option(
            names = "--delivery-guarantee",
            paramLabel = "G",
            description = "exactly-once (default) or at-least-once (standard queues only).")
    DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;

    @Option(
            names = "--message-format",
            paramLabel = "F",
            description = "s3-event (default: an S3 ObjectCreated event), json (flat object) or key (the raw key).")
    MessageFormat messageFormat = MessageFormat.S3_EVENT;

    @Option(
            names = "--fifo-group-by",
            paramLabel = "G",
            description = "FIFO queues: one message group per bucket, prefix (default: the key's folder) or key.")
    FifoGroupBy fifoGroupBy = FifoGroupBy.PREFIX;

    @Option(
            names = "--max-message-bytes",
            paramLabel = "N",
            description = "The largest message body, 1024 to 1048576 (default: 1048576).")
    int maxMessageBytes = EnqueueOptions.MAX_MESSAGE_BYTES_LIMIT;

    @Option(
            names = "--continuous",
            description = "Keep listing the bucket every --interval and enqueue new and changed objects.")
    boolean continuous;

    @Option(
            names = "--interval",
            paramLabel = "D",
            description = "With --continuous: the time between listings, such as 30s, 5m, 1h or PT5M (default: 5m).")
    Duration interval;

    @Option(
            names = "--state-ttl",
            paramLabel = "D",
            description = "With --continuous: forget objects not seen for D (longer than --interval; default: never).")
    Duration stateTtl;

    /** The checked options; throws {@link io.bucketflow.job.InvalidOptionException}. */
    EnqueueOptions toOptions() {
        return EnqueueOptions.builder()
                .listing(common.toListingOptions())
                .queueUrl(queueUrl)
                .sqsEndpoint(sqs.sqsEndpoint)
                .deliveryGuarantee(deliveryGuarantee)
                .messageFormat(messageFormat)
                .fifoGroupBy(fifoGroupBy)
                .maxMessageBytes(maxMessageBytes)
                .continuous(continuous)
                .interval(interval)
                .stateTtl(stateTtl)
                .build();
    }
}
