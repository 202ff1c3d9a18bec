package io.bucketflow.job.cli;

import picocli.CommandLine.Option;

/** {@code --sqs-endpoint}, for the commands that talk to SQS. */
final class SqsEndpointOption {
    @Option(
            names = "--sqs-endpoint",
            paramLabel = "URL",
            description = "The SQS endpoint, for SQS-compatible servers (default: AWS_ENDPOINT_URL_SQS or AWS).")
    String sqsEndpoint;
}
