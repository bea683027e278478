// The largest message (body plus attributes) any connector queue accepts, in bytes. The stack sets
// every queue's MaximumMessageSize to it (lib/constructs/queues.ts) and the code packs and checks
// what it sends against it (also the sum of a SendMessageBatch), so the two cannot drift apart.
// SQS raised its limit from 256 KiB to 1 MiB in August 2025 (SQS quotas:
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html;
// AWS Compute Blog, "More room to build: serverless services now support payloads up to 1 MB");
// aws-cdk-lib 2.276's QueueProps.maxMessageSizeBytes documents 1,024 to 1,048,576 with 1 MiB the default.
export const MAX_MESSAGE_BYTES = 1_048_576;
