// The Procore tool permissions the app needs, derived from the resource registry (each resource
// names the tool, level and scope it needs), and a check that the app manifest grants exactly
// those: nothing missing (calls would answer 403) and nothing broader (least privilege: a company
// admin approves every permission at install).
import type { PermissionLevel as ResourcePermissionLevel, ResourceScope, ToolPermission } from '../functions/commons/resources/registry';
import { PERMISSION_LEVELS, type AppManifest, type PermissionLevel } from './manifest-schema';

/** What permissions derivation needs from a registry entry. */
export interface ResourcePermissionNeed {
  name: string;
  permission: ToolPermission;
}

export interface RequiredPermission {
  scope: ResourceScope;
  tool: string;
  /** The highest level any resource needs on this tool. */
  level: ResourcePermissionLevel;
  /** Resources that use the tool, e.g. ["company_users", "vendors"]. */
  neededBy: string[];
}

export interface RequiredPermissions {
  company: RequiredPermission[];
  project: RequiredPermission[];
}

const rank = (level: PermissionLevel) => PERMISSION_LEVELS.indexOf(level);

/**
 * Hooks and triggers need the company "Webhooks API" tool permission at Standard (default None):
 * procore/documentation plan_your_app/webhooks.md, "Access and Authentication".
 */
const WEBHOOKS_PERMISSION_NEED: ResourcePermissionNeed = { name: 'webhooks', permission: { tool: 'Webhooks API', level: 'standard', scope: 'company' } };

/** What the connector needs: its resources' tools, and the Webhooks API when a stage turns webhooks on. */
export function connectorPermissionNeeds(resources: readonly ResourcePermissionNeed[], options: { webhooks: boolean }): ResourcePermissionNeed[] {
  return options.webhooks ? [...resources, WEBHOOKS_PERMISSION_NEED] : [...resources];
}

/** The max level needed per tool and scope, sorted by tool name. */
export function requiredPermissions(resources: readonly ResourcePermissionNeed[]): RequiredPermissions {
  const byKey = new Map<string, RequiredPermission>();
  for (const resource of resources) {
    const { tool, level, scope } = resource.permission;
    const key = `${scope}\u0000${tool}`;
    const entry = byKey.get(key);
    if (!entry) {
      byKey.set(key, { scope, tool, level, neededBy: [resource.name] });
      continue;
    }
    if (rank(level) > rank(entry.level)) entry.level = level;
    entry.neededBy = [...entry.neededBy, resource.name].sort();
  }
  const all = [...byKey.values()].sort((a, b) => a.tool.localeCompare(b.tool));
  return { company: all.filter((p) => p.scope === 'company'), project: all.filter((p) => p.scope === 'project') };
}

/** The manifest's `dataConnector.permissions` block for the given resources. */
export function manifestPermissions(resources: readonly ResourcePermissionNeed[]): AppManifest['dataConnector']['permissions'] {
  const required = requiredPermissions(resources);
  const strip = (list: RequiredPermission[]) => list.map(({ tool, level }) => ({ tool, level }));
  return { company: strip(required.company), project: strip(required.project) };
}

/**
 * Every difference between what the manifest grants and what the resources need, as sentences an
 * operator can act on. Empty when the manifest is exactly right.
 */
export function checkManifestPermissions(manifest: AppManifest, resources: readonly ResourcePermissionNeed[]): string[] {
  const required = requiredPermissions(resources);
  const problems: string[] = [];
  for (const scope of ['company', 'project'] as const) {
    const granted = new Map<string, PermissionLevel>();
    for (const { tool, level } of manifest.dataConnector.permissions[scope]) {
      if (granted.has(tool)) problems.push(`${scope} tool ${tool} is listed more than once`);
      granted.set(tool, level);
    }
    const needed = new Map(required[scope].map((p) => [p.tool, p]));
    for (const need of required[scope]) {
      const have = granted.get(need.tool);
      const users = need.neededBy.join(', ');
      if (have === undefined) problems.push(`missing ${scope} tool ${need.tool} (${need.level}) needed by ${users}`);
      else if (rank(have) < rank(need.level)) problems.push(`${scope} tool ${need.tool} is narrower than needed: ${have} < ${need.level} (needed by ${users})`);
      else if (rank(have) > rank(need.level)) problems.push(`${scope} tool ${need.tool} is broader than needed: ${have} > ${need.level}`);
    }
    for (const tool of granted.keys()) {
      if (!needed.has(tool)) problems.push(`${scope} tool ${tool} is not needed by any resource`);
    }
  }
  return problems;
}
