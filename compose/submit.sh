#!/usr/bin/env bash
# The one-shot `submit` service of docker-compose.yml (the Flink image, through flink-entrypoint.sh so
# that the client has the cluster's configuration): runs `flink run` of bucketflow.jar against the
# JobManager, enqueue first (one S3 event message per object of the bucket), then download (drains the
# queue into the downloads volume, and stops once the queue has been empty for STOP_WHEN_IDLE).
# Each `flink run` waits for its job to end; this script ends with the exit code of the first failure.
# Environment: S3_ENDPOINT, SQS_ENDPOINT, BUCKET, QUEUE, DLQ, STOP_WHEN_IDLE, AWS credentials and region.
set -euo pipefail

jar=/opt/bucketflow/bucketflow.jar
# ElasticMQ's queue URLs: its endpoint, the account id 000000000000 and the queue name.
queue_url="$SQS_ENDPOINT/000000000000/$QUEUE"
dlq_url="$SQS_ENDPOINT/000000000000/$DLQ"
endpoints=(--region "$AWS_REGION" --s3-endpoint "$S3_ENDPOINT" --sqs-endpoint "$SQS_ENDPOINT")

flink run --jobmanager jobmanager:8081 "$jar" enqueue \
  --bucket "$BUCKET" --queue-url "$queue_url" --parallelism 2 "${endpoints[@]}"

flink run --jobmanager jobmanager:8081 "$jar" download \
  --queue-url "$queue_url" --dlq-url "$dlq_url" --download-dir /opt/bucketflow/downloads \
  --parallelism 2 --stop-when-idle "$STOP_WHEN_IDLE" "${endpoints[@]}"

echo "submit: done; the files are in the downloads volume:" \
  "docker compose cp taskmanager:/opt/bucketflow/downloads ./compose-downloads"
