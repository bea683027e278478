// The S3 client of the functions that use the claim-check bucket (through lazy-s3-client.ts), apart from
// clients.ts so the other handlers' bundles do not carry the S3 SDK.
import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../observability/powertools';

// A local endpoint (moto) has no per-bucket host names: address buckets by path there.
export const s3 = tracer.captureAWSv3Client(new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) }));
