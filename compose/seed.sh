#!/usr/bin/env bash
# The one-shot `seed` service of docker-compose.yml (amazon/aws-cli image): creates the bucket in
# LocalStack, the queue and its dead-letter queue in ElasticMQ, and uploads a few objects, some with
# keys that need encoding. Safe to run again: existing buckets, queues and objects are kept.
# Environment: S3_ENDPOINT, SQS_ENDPOINT, BUCKET, QUEUE, DLQ, AWS credentials and region.
set -euo pipefail

s3() { aws --endpoint-url "$S3_ENDPOINT" "$@"; }
sqs() { aws --endpoint-url "$SQS_ENDPOINT" sqs "$@"; }

until sqs list-queues > /dev/null 2>&1; do
  echo "seed: waiting for ElasticMQ at $SQS_ENDPOINT"
  sleep 1
done
until s3 s3api list-buckets > /dev/null 2>&1; do
  echo "seed: waiting for S3 at $S3_ENDPOINT"
  sleep 1
done

if ! s3 s3api head-bucket --bucket "$BUCKET" > /dev/null 2>&1; then
  s3 s3api create-bucket --bucket "$BUCKET" > /dev/null
fi
queue_url="$(sqs create-queue --queue-name "$QUEUE" --query QueueUrl --output text)"
dlq_url="$(sqs create-queue --queue-name "$DLQ" --query QueueUrl --output text)"

seed="$(mktemp -d)"
for day in 01 02 03; do
  mkdir -p "$seed/photos/2026-11-$day"
  for i in $(seq -w 1 20); do
    printf 'photo %s of 2026-11-%s\n' "$i" "$day" > "$seed/photos/2026-11-$day/photo-$i.txt"
  done
done
mkdir -p "$seed/awkward/ünïcødé"
printf 'a key with a space and a plus\n' > "$seed/awkward/with space+plus.txt"
printf 'a key with a percent sign\n' > "$seed/awkward/100% real.txt"
printf 'a key in a unicode folder\n' > "$seed/awkward/ünïcødé/文件 名.txt"
s3 s3 cp --recursive --only-show-errors "$seed" "s3://$BUCKET/"

echo "seed: bucket s3://$BUCKET holds $(s3 s3 ls --recursive "s3://$BUCKET/" | wc -l) objects;" \
  "queue $queue_url, dead-letter queue $dlq_url"
