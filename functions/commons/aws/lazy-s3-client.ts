// The claim-check bucket's S3 client for the pull worker and the webhook events consumer, loaded on
// first use: most records fit one queue message, and the S3 SDK is a fifth of their load time.
// (Bundled all the same: esbuild defers evaluating a module only imported dynamically.)
import type { S3Client } from '@aws-sdk/client-s3';

let loaded: Promise<Pick<S3Client, 'send'>> | undefined;

export const lazyS3: Pick<S3Client, 'send'> = {
  send: ((...args: unknown[]) =>
    (loaded ??= import('./s3-client').then((module) => module.s3)).then((s3) =>
      (s3.send as (...sent: unknown[]) => Promise<unknown>)(...args),
    )) as S3Client['send'],
};
