// Configuration of any size reaches a function as a JSON file bundled with its code (the stack's
// way, lib/constructs/bundled-json.ts; read from LAMBDA_TASK_ROOT), or inline in an environment
// variable (how local harnesses pass it). One reader for both.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface BundledJsonSource {
  /** The inline variable's name and value, e.g. SYNC_CONFIG. */
  inline: { name: string; value: string | undefined };
  /** The file variable's name and value, e.g. SYNC_CONFIG_FILE. */
  file: { name: string; value: string | undefined };
}

/** The parsed JSON and where it came from; undefined when neither variable is set. Errors name the variable, never the content. */
export function readBundledJson(source: BundledJsonSource): { json: unknown; source: string } | undefined {
  let text: string;
  let from: string;
  if (source.inline.value !== undefined) {
    text = source.inline.value;
    from = source.inline.name;
  } else if (source.file.value !== undefined) {
    const file = path.resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), source.file.value);
    from = `${source.file.name} (${file})`;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`Invalid function environment: ${source.file.name}: cannot read ${file}: ${(error as Error).message}`);
    }
  } else {
    return undefined;
  }
  try {
    return { json: JSON.parse(text), source: from };
  } catch {
    throw new Error(`Invalid function environment: ${from} is not JSON`);
  }
}
