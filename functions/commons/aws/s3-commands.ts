// The S3 commands the claim check sends, for a dynamic import (claim-check.ts): named here so the
// bundle keeps these two, not the whole S3 SDK a dynamic import of the package would keep.
export { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
