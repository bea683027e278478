// Configuration of any size travels inside the function's code asset instead of its environment
// (Lambda allows 4 KB of environment in all; a sync scope with a few hundred explicit project ids
// passes that). The JSON is written at synth beside the cloud assembly and copied into the bundle
// after esbuild, so it is versioned and deployed with the code: the asset hash covers it, and a
// changed scope is a code update. Why not SSM or the state table: a standard SSM parameter has the
// same 4 KB limit, and writing the table at deploy needs a custom resource (a Lambda that moto
// cannot run), while a bundled file needs no call, no grant and no extra resource.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Stage } from 'aws-cdk-lib';
import type { BundlingOptions, ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { FUNCTION_BUNDLING } from './connector-function';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Command hooks that put each value as JSON at `<bundle>/<fileName>` (read at run time from
 * LAMBDA_TASK_ROOT, the directory Lambda unpacks the code into).
 */
export function bundledJsonFiles(scope: Construct, files: Record<string, unknown>): ICommandHooks {
  const stage = Stage.of(scope);
  if (!stage) throw new Error('bundledJsonFile: the construct is not inside a CDK app');
  const dir = path.join(stage.outdir, 'bundled-json');
  mkdirSync(dir, { recursive: true });
  const copies = Object.entries(files).map(([fileName, value]) => {
    if (!/^[\w.-]+\.json$/.test(fileName)) throw new Error(`bundledJsonFile: ${fileName} must be a plain file name ending in .json`);
    const json = `${JSON.stringify(value, null, 2)}\n`;
    const source = path.join(dir, `${createHash('sha256').update(json).digest('hex').slice(0, 16)}-${fileName}`);
    writeFileSync(source, json);
    return { source, fileName };
  });
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => copies.map(({ source, fileName }) => `cp ${shellQuote(source)} ${shellQuote(path.join(outputDir, fileName))}`),
  };
}

/** A function's bundling with `files` added (nothing to override when there are none). */
export function withFiles(scope: Construct, files: Record<string, unknown>): { bundling?: BundlingOptions } {
  return Object.keys(files).length === 0 ? {} : { bundling: { ...FUNCTION_BUNDLING, commandHooks: bundledJsonFiles(scope, files) } };
}
