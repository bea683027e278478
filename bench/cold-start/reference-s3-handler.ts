// The reference for the pull worker, which also writes the claim-check bucket: the reference
// handler's clients and Logger plus an S3 client (see reference-handler.ts).
import { S3Client } from '@aws-sdk/client-s3';
import { clients } from './reference-handler';

export const withS3 = { ...clients, s3: new S3Client({}) };
export { handler } from './reference-handler';
