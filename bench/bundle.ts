// Bundles a handler exactly as the stack does (FUNCTION_BUNDLING from the ConnectorFunction
// construct, mapped onto esbuild's options the way CDK's NodejsFunction maps them).
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { FUNCTION_BUNDLING } from '../lib/constructs/connector-function';

export interface Bundle {
  name: string;
  /** The bundled module (index.mjs, as CDK names an ESM bundle). */
  file: string;
  bytes: number;
}

export async function bundleHandler(name: string, entry: string, outDir: string): Promise<Bundle> {
  const dir = path.join(outDir, name);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, FUNCTION_BUNDLING.format === 'esm' ? 'index.mjs' : 'index.js');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: FUNCTION_BUNDLING.format,
    target: FUNCTION_BUNDLING.target,
    mainFields: FUNCTION_BUNDLING.mainFields,
    banner: { js: FUNCTION_BUNDLING.banner },
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourceMap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    external: FUNCTION_BUNDLING.externalModules,
    logLevel: 'silent',
  });
  return { name, file, bytes: (await stat(file)).size };
}
