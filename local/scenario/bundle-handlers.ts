// Bundles the connector's handlers the way the stack does (NodejsFunction: esbuild, ESM, node24,
// AWS SDK included), so local runs execute what Lambda would: one index.mjs per function.
// Source entries cannot run as they are: @middy/core 7 is ESM-only and tsx loads our sources as CommonJS.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

// Same banner as lib/constructs/connector-function.ts: bundled CommonJS dependencies call require().
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface HandlerBundles<N extends string> {
  /** `name -> bundled index.mjs` (an entry for startFunctionHost). */
  entries: Record<N, string>;
  /** Deletes the bundles' temporary directory. */
  remove(): Promise<void>;
}

/** Bundles each `name -> source entry` into its own directory of a temporary one. */
export async function bundleHandlers<N extends string>(entries: Record<N, string>): Promise<HandlerBundles<N>> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'connector-bundles-'));
  const bundled = {} as Record<N, string>;
  await Promise.all(
    (Object.entries(entries) as [N, string][]).map(async ([name, entry]) => {
      const outfile = path.join(outDir, name, 'index.mjs');
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: { js: ESM_REQUIRE_BANNER },
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        logLevel: 'error',
      });
      bundled[name] = outfile;
    }),
  );
  return { entries: bundled, remove: () => rm(outDir, { recursive: true, force: true }) };
}
