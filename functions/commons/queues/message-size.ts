// The largest message (body plus attributes) any connector queue accepts, in bytes. The stack sets
// every queue's MaximumMessageSize to it (lib/constructs/queues.ts) and the code sizes what it
// sends by it, so the two cannot drift apart.
//
// SQS accepts up to 1 MiB per message since 2026-01-29 (AWS Compute Blog, "More room to build:
// serverless services now support payloads up to 1 MB",
// https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb);
// aws-cdk-lib 2.276's QueueProps.maxMessageSizeBytes documents the range 1,024 to 1,048,576 bytes
// with 1,048,576 (1 MiB) as the default.
export const MAX_MESSAGE_BYTES = 1_048_576;
