// Semantic version bumps for the Procore app version (each portal version must be higher than the last).
import { loadManifest, MANIFEST_PATH, saveManifest } from './manifest-schema';

function parts(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`"${version}" is not a semantic version x.y.z`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  return 0;
}

/** The next version: a bump keyword, or an explicit x.y.z that must be higher than the current one. */
export function nextVersion(current: string, bumpOrVersion: string): string {
  const [major, minor, patch] = parts(current);
  switch (bumpOrVersion) {
    case 'major':
      return `${major + 1}.0.0`;
    case 'minor':
      return `${major}.${minor + 1}.0`;
    case 'patch':
      return `${major}.${minor}.${patch + 1}`;
    default:
      if (compareVersions(bumpOrVersion, current) <= 0) {
        throw new Error(`version ${bumpOrVersion} must be higher than the current ${current}`);
      }
      return bumpOrVersion;
  }
}

/** Bumps the manifest file's version; returns old and new. The file is only written when valid. */
export function bumpManifestVersion(bumpOrVersion: string, file = MANIFEST_PATH): { from: string; to: string } {
  const manifest = loadManifest(file);
  const to = nextVersion(manifest.version, bumpOrVersion);
  saveManifest({ ...manifest, version: to }, file);
  return { from: manifest.version, to };
}
