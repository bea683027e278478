// Bundles the connector's handlers exactly as the stack does (FUNCTION_BUNDLING from the
// ConnectorFunction construct, mapped onto esbuild's options the way CDK's NodejsFunction maps
// them), so local runs, chaos and bench execute what Lambda would: one index.mjs per function.
// Source entries cannot run as they are: @middy/core 7 is ESM-only and tsx loads our sources as CommonJS.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { DEFAULT_TRACING_MODE, type TracingMode, tracerBundleDefine } from '../../lib/config/tracing-mode';
import { FUNCTION_BUNDLING } from '../../lib/constructs/connector-function';

export interface Bundle {
  name: string;
  /** The bundled module (index.mjs, as CDK names an ESM bundle): an entry for startFunctionHost. */
  file: string;
  bytes: number;
}

/** Bundles one handler into `outDir/<name>/`, as a stage with that tracing setting bundles it (default: the stack's default). */
export async function bundleHandler(name: string, entry: string, outDir: string, tracing: TracingMode = DEFAULT_TRACING_MODE): Promise<Bundle> {
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
    define: tracerBundleDefine(tracing),
    logLevel: 'silent',
  });
  return { name, file, bytes: (await stat(file)).size };
}

export interface HandlerBundles<N extends string> {
  /** `name -> bundled index.mjs` (an entry for startFunctionHost). */
  entries: Record<N, string>;
  /** Deletes the bundles' temporary directory. */
  remove(): Promise<void>;
}

/** Bundles each `name -> source entry` into its own directory of a temporary one. */
export async function bundleHandlers<N extends string>(entries: Record<N, string>): Promise<HandlerBundles<N>> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'connector-bundles-'));
  const bundles = await Promise.all((Object.entries(entries) as [N, string][]).map(([name, entry]) => bundleHandler(name, entry, outDir)));
  return {
    entries: Object.fromEntries(bundles.map((b) => [b.name, b.file])) as Record<N, string>,
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}
