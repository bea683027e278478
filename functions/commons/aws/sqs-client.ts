// The SQS client, traced by X-Ray, built once per container; apart from clients.ts (which re-exports
// it) so a handler that only queues (the webhook receiver) does not build the DynamoDB clients too.
// useQueueUrlAsEndpoint: false keeps SQS on the configured endpoint (AWS_ENDPOINT_URL locally).
// The functions only send to SQS (Lambda's event source mappings receive). SendMessageBatch, up to a
// call per 10 pulled records, goes out as a signed request of its own with this client's region,
// credentials, endpoint and attempts (sqs-message-batch-request.ts, which says why); this client
// sends the rest (single messages, visibility changes, queue attributes), lightened the same way:
// - md5: false skips the SDK's MD5 of every sent body against SQS's MD5OfMessageBody. The body is
//   already covered twice: SigV4 signs the SHA-256 of the request payload, so SQS refuses a body
//   altered on the way, and every call goes over TLS (SQS requires TLS 1.2 or later,
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-infrastructure-security.html;
//   the stack's queues also deny non-TLS requests, enforceSSL), whose records are integrity-checked.
//   The option exists for FIPS hosts without MD5 (aws/aws-sdk-js-v3#5953).
// - cacheMiddleware: true resolves the middleware stack once per command class instead of on every
//   call (aws/aws-sdk-js-v3#6423). No code here adds middleware to a single command.
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../observability/powertools';

export const sqs = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false, md5: false, cacheMiddleware: true }));
