// The Procore app as configured in the Developer Portal, kept as code so it is reviewed, versioned
// and checked against what the connector really calls. The portal has no import: this file is the
// source a person copies from, step by step (README "Procore Developer Portal").
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const PERMISSION_LEVELS = ['none', 'read_only', 'standard', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

const SemVer = z.string().regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, 'must be a semantic version x.y.z');

const ToolPermission = z.object({ tool: z.string().min(1), level: z.enum(PERMISSION_LEVELS).exclude(['none']) }).strict();

export const AppManifestSchema = z
  .object({
    name: z.string().min(1),
    version: SemVer,
    dataConnector: z
      .object({
        // Procore only offers service accounts together with user level authentication.
        components: z.tuple([z.literal('service_account_authentication'), z.literal('user_level_authentication')]),
        permissions: z.object({ company: z.array(ToolPermission), project: z.array(ToolPermission) }).strict(),
      })
      .strict(),
    instructions: z
      .object({
        url: z.string().url().startsWith('https://', 'must be an https URL'),
        pageName: z.string().min(1).max(100),
        postInstallationNotes: z.string().min(1),
      })
      .strict(),
  })
  .strict();

export type AppManifest = z.infer<typeof AppManifestSchema>;

export const MANIFEST_PATH = path.join(__dirname, 'procore-app.json');

export function parseManifest(json: unknown, source = MANIFEST_PATH): AppManifest {
  const result = AppManifestSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid app manifest ${source}: ${problems.join('; ')}`);
  }
  return result.data;
}

export function loadManifest(file = MANIFEST_PATH): AppManifest {
  return parseManifest(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function saveManifest(manifest: AppManifest, file = MANIFEST_PATH): void {
  writeFileSync(file, `${JSON.stringify(parseManifest(manifest, file), null, 2)}\n`);
}

/** The instructions URL shipped with the project points at a placeholder repository. */
const PLACEHOLDER_INSTRUCTIONS_URL = /\/\/github\.com\/example-org\//;

/** Things that do not make the manifest wrong but must be fixed before the app is published. */
export function manifestWarnings(manifest: AppManifest): string[] {
  return PLACEHOLDER_INSTRUCTIONS_URL.test(manifest.instructions.url)
    ? [`instructions.url ${manifest.instructions.url} is the placeholder: point it at your fork's README before creating the app version`]
    : [];
}
