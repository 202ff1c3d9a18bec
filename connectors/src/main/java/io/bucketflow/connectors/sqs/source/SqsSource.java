package io.bucketflow.connectors.sqs.source;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import io.bucketflow.connectors.sqs.config.SqsSourceOptions;
import io.bucketflow.connectors.sqs.enumerator.SqsEnumeratorState;
import io.bucketflow.connectors.sqs.enumerator.SqsEnumeratorStateSerializer;
import io.bucketflow.connectors.sqs.enumerator.SqsSplitEnumerator;
import io.bucketflow.connectors.sqs.reader.SqsSourceReader;
import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import io.bucketflow.connectors.sqs.split.SqsQueueSplitSerializer;
import io.bucketflow.connectors.sqs.visibility.VisibilityHeartbeat;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source that receives messages from one Amazon SQS queue, in parallel, and emits one
 * {@link ReceivedMessage} per delivery, with its {@code SentTimestamp} as event time.
 *
 * <p><b>Splits.</b> A queue has no partitions: every reader gets its own split of the same queue
 * ({@code <queueUrl>#<subtask>}) and long-polls it (by default 20 s waits, 10 messages per call);
 * SQS spreads the messages among the readers.
 *
 * <p><b>Life of a message.</b>
 *
 * <ol>
 *   <li>A reader receives it with the source's visibility timeout ({@code
 *       bucketflow.sqs.source.visibility-timeout}, 60 s by default), so that other consumers do not
 *       see it.
 *   <li>Until the reader emits it, the reader's {@link VisibilityHeartbeat} extends its visibility
 *       before it ends, for at most the processing timeout ({@code
 *       bucketflow.sqs.source.processing-timeout}, 30 min) after it was received; past that the
 *       reader lets it go and SQS delivers it again.
 *   <li>Emitting hands it over: the reader stops extending it when the chained operators have taken
 *       it. From then on whoever works on it keeps it hidden (the download job runs its own
 *       heartbeat), and whoever finishes it deletes it from the queue with the receipt handle it
 *       carries. If nobody does within the visibility timeout, SQS delivers it again.
 *   <li>When a reader closes (end of input, cancellation, failure), it releases the messages it
 *       received but did not emit: their visibility is set to 0, and SQS delivers them again at
 *       once.
 * </ol>
 *
 * <p><b>Bounded in flight.</b> A reader holds at most {@code bucketflow.sqs.source.max-held-messages}
 * (100) messages received but not yet emitted: it asks SQS for no more than it has room for, and
 * when back-pressure stops it from emitting it stops receiving, leaving the messages in the queue
 * for other consumers instead of hiding them in the job. Flink's element queue between the
 * fetcher and the main thread ({@code source.reader.element.queue.capacity} batches) bounds it as
 * well; the explicit bound holds whatever that is set to.
 *
 * <p><b>Bounded or not.</b> With an idle timeout ({@code bucketflow.sqs.source.idle-timeout}, the
 * CLI's {@code --stop-when-idle}) the source is {@link Boundedness#BOUNDED}: a reader finishes once
 * its receives have returned nothing for that long, and the job ends when the rest of the pipeline
 * has drained. Without it the source is {@link Boundedness#CONTINUOUS_UNBOUNDED} and runs until the
 * job is cancelled.
 *
 * <p><b>Checkpoints and guarantees.</b> Nothing about individual messages is checkpointed: SQS
 * keeps every message until it is deleted, so the queue itself is the source's position. A
 * reader's state is its split (the queue URL and subtask), the enumerator's which subtasks have
 * been given a split and the splits that came back from failed readers. The source sends no source
 * events, so a lost event loses nothing. Delivery is at least once: a message is delivered again
 * when it is not deleted within its visibility timeout (a failure anywhere downstream, a restore,
 * the processing timeout passing, or a delete that failed), and a standard queue may deliver a
 * message twice on its own. Consumers must tolerate duplicates, for instance by making their effect
 * idempotent; a second delete with an old receipt handle is reported as gone, not as a failure.
 *
 * <p>Use {@link #builder()} to create one.
 */
public final class SqsSource
        implements Source<ReceivedMessage, SqsQueueSplit, SqsEnumeratorState>, ResultTypeQueryable<ReceivedMessage> {
    private static final long serialVersionUID = 1L;

    private final String queueUrl;
    private final SqsQueueClientFactory clientFactory;
    private final Configuration options;

    SqsSource(String queueUrl, SqsQueueClientFactory clientFactory, Configuration options) {
        this.queueUrl = queueUrl;
        this.clientFactory = clientFactory;
        this.options = options;
    }

    public static SqsSourceBuilder builder() {
        return new SqsSourceBuilder();
    }

    @Override
    public Boundedness getBoundedness() {
        return isBounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    private boolean isBounded() {
        return options.getOptional(SqsSourceOptions.IDLE_TIMEOUT).isPresent();
    }

    @Override
    public SourceReader<ReceivedMessage, SqsQueueSplit> createReader(SourceReaderContext context) {
        return SqsSourceReader.create(queueUrl, clientFactory, options, context);
    }

    @Override
    public SplitEnumerator<SqsQueueSplit, SqsEnumeratorState> createEnumerator(
            SplitEnumeratorContext<SqsQueueSplit> context) {
        return new SqsSplitEnumerator(context, queueUrl, isBounded(), SqsEnumeratorState.empty());
    }

    @Override
    public SplitEnumerator<SqsQueueSplit, SqsEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<SqsQueueSplit> context, SqsEnumeratorState checkpoint) {
        return new SqsSplitEnumerator(context, queueUrl, isBounded(), checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SqsQueueSplit> getSplitSerializer() {
        return SqsQueueSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<SqsEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new SqsEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<ReceivedMessage> getProducedType() {
        return TypeInformation.of(ReceivedMessage.class);
    }

    /** The queue this source receives from. */
    public String queueUrl() {
        return queueUrl;
    }
}
