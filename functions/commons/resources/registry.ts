// The resources the connector exchanges with Procore: one declarative entry each. Paths, query
// parameters, body types and verbs are the ones Procore declares per operation
// (docs/procore-endpoints.tsv; test/procore/declared-requests.test.ts checks every request the
// connector builds against it). Tool permissions are what the app's Permissions Builder must grant
// for the connector to read and write the resource.
import BUILT_IN_DECLARATIONS from './built-in-resources.json';
import { FINANCIAL_REMOVAL_SOURCES } from './financial-removal-sources';
import { FINANCIAL_RESOURCES } from './financial-resources';
import { ResourceNameSchema } from './names';
import { ResourceDeclarationSchema } from './resource-declaration';
import * as z from '../validation/zod';
import type { ResourceDefinition } from './resource-definition';

export type { PermissionLevel, ResourceDefinition, ResourceOperation, ResourceScope, ScopeIds, ToolPermission } from './resource-definition';
// The pull still imports these three from here; every other caller takes them from request-builders.
export { buildListRequest, buildPullListRequest, resourcePath } from './request-builders';

// The built-in resources other than the financial ones are data (built-in-resources.json), declared exactly as a
// stage declares its own in cdk.json (`stages.<stage>.resources.<name>`): the name as key, the schema's
// defaults left out (no scope ids in the query or body, no origin_id, no include_deleted, pages of 1000).
// Why some of them read as they do:
// - projects: creating projects needs Admin on the company Portfolio tool; PATCH .../projects/sync
//   declares company_id as a query parameter (its body is `updates`), hence `scopeIn: query`.
// - rfis, vendors: their lists do not declare filters[include_deleted]; recycled RFIs are in the recycle
//   bin, vendors are deactivated, not deleted (inactive list).
// - observations: Procore deletes observation items under the project path.
// - vendors, company_users: adding and editing company Directory entries needs Admin on the Directory
//   tool. Vendors ask for the list's default view (extended) explicitly, so a changed default cannot
//   take fields away; company users' update and sync declare only multipart/form-data.
// - work_order_contracts: creating commitments needs Admin on the project Commitments tool; the list
//   answers in its compact view by default, without the fields downstream needs (view=extended).
// Checked by the declaration schema like any stage's (parseDeclarations, on first lookup), so typed
// here only as far as the name.
const BUILT_IN: readonly { name: string }[] = [
  ...Object.entries(BUILT_IN_DECLARATIONS).map(([name, fields]) => ({ name, ...fields })),
  // The financial resources (financial-resources.ts), each with where its removed records show.
  ...Object.values(FINANCIAL_RESOURCES).map((resource) => ({ ...resource, removals: FINANCIAL_REMOVAL_SOURCES[resource.name] })),
];

/** A resource name the registry does not know: permanent, the message lists the known ones. */
class UnknownResourceError extends Error {
  override readonly name = 'UnknownResourceError';
  readonly errorClass = 'UnknownResource';
  readonly kind = 'permanent';
}

/** Parses declarations with the one schema; an invalid one throws naming the resource and the field. */
function parseDeclarations(declarations: readonly unknown[], origin: string): ResourceDefinition[] {
  return declarations.map((declaration, index) => {
    const parsed = ResourceDeclarationSchema.safeParse(declaration);
    if (parsed.success) return parsed.data;
    const name = (declaration as { name?: unknown } | null)?.name;
    const problems = parsed.error.issues.map(
      (issue) => `${[typeof name === 'string' ? name : `[${index}]`, ...issue.path.map(String)].join('.')}: ${issue.message}`,
    );
    throw new Error(`${origin}: invalid resource declaration: ${problems.join('; ')}`);
  });
}

// Built-in declarations are parsed (defaults filled, checked) on their first lookup, not all at
// module load: a cold start parses the few its first messages name, not all of them (about 30 ms of
// a handler's load). test/procore/registry.test.ts parses every one.
const BUILT_IN_BY_NAME = new Map(BUILT_IN.map((declaration) => [declaration.name, declaration]));
const RESOURCES = new Map<string, ResourceDefinition>();

function lookup(name: string): ResourceDefinition | undefined {
  const known = RESOURCES.get(name);
  if (known) return known;
  const declaration = BUILT_IN_BY_NAME.get(name);
  if (!declaration) return undefined;
  const [parsed] = parseDeclarations([declaration], 'registry.ts');
  RESOURCES.set(name, parsed!);
  return parsed;
}

/** Every known name: the built-in ones in their order, then the declared ones. */
const knownNames = (): string[] => [...new Set([...BUILT_IN_BY_NAME.keys(), ...RESOURCES.keys()])];

/** The names of the built-in resources (the stage config may declare more). */
export function builtInResourceNames(): string[] {
  return [...BUILT_IN_BY_NAME.keys()];
}

/**
 * Adds resources declared in the stage config (at cold start, from the bundled RESOURCES_FILE; see
 * declared-resources.ts). Validated by the same schema as the built-in ones; a name of a built-in
 * resource is refused, declaring the same declaration again is a no-op (a warm container, a test).
 */
export function declareResources(declarations: readonly unknown[], origin = 'declared resources'): ResourceDefinition[] {
  const parsed = parseDeclarations(declarations, origin);
  for (const resource of parsed) {
    const known = lookup(resource.name);
    if (known && JSON.stringify(known) !== JSON.stringify(resource)) {
      throw new Error(
        `${origin}: ${resource.name} is already ${BUILT_IN_BY_NAME.has(resource.name) ? 'a built-in resource' : 'declared otherwise'}; choose another name`,
      );
    }
    RESOURCES.set(resource.name, resource);
  }
  return parsed;
}

/** The entry for `name`; an unknown name throws UnknownResourceError. */
export function getResource(name: string): ResourceDefinition {
  const resource = lookup(name);
  if (!resource) throw new UnknownResourceError(unknownResourceMessage(name));
  return resource;
}

/** The entry for `name`, or undefined. */
export function findResource(name: string): ResourceDefinition | undefined {
  return lookup(name);
}

function unknownResourceMessage(name: unknown): string {
  return `unknown resource ${JSON.stringify(name)}; known: ${knownNames().join(', ')}`;
}

export function listResources(): ResourceDefinition[] {
  return knownNames().map((name) => lookup(name)!);
}

/** A resource name the registry knows (built-in or declared): for messages from outside (push). */
export const KnownResourceNameSchema = ResourceNameSchema.check(
  z.refine((name) => lookup(name) !== undefined, {
    error: (issue) => unknownResourceMessage(issue.input),
  }),
);
