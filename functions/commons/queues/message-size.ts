// SQS's maximum message size: 1 MiB (1,048,576 bytes) since August 2025, for a single message and
// for the sum of a SendMessageBatch. The stack sets every queue's MaximumMessageSize to this value
// and the code packs and checks messages against it, so the two cannot drift apart.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
export const MAX_MESSAGE_BYTES = 1_048_576;
