// A resource declared in the stage config joins the registry (as `manifest permissions --stage S`
// and the functions read it), so the app's tool permissions include its tool, and the committed
// manifest, written for the built-in resources, is reported as missing it.
import { loadManifest } from '../../app-manifest/manifest-schema';
import { checkManifestPermissions, requiredPermissions } from '../../app-manifest/permissions';
import { declareResources, listResources } from '../../functions/commons/resources/registry';
import { HAZARDS } from '../support/declared-resources';

it('includes the tool permission of a declared resource', () => {
  declareResources([{ name: 'hazards', ...HAZARDS }]);
  const required = requiredPermissions(listResources());
  expect(required.company).toContainEqual(expect.objectContaining({ tool: 'Incidents', level: 'admin', neededBy: ['hazards'] }));
  expect(checkManifestPermissions(loadManifest(), listResources())).toContainEqual(expect.stringContaining('Incidents'));
});
