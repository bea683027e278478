// Resources no connector code knows, declared the way an engineer declares them in cdk.json
// (`stages.<stage>.resources.<name>`), from Procore's operations file (docs/procore-endpoints.tsv).

/** Company hazards (Incidents): incremental (the list declares filters[updated_at]), show, create, update, delete. */
export const HAZARDS = {
  scope: 'company',
  paths: {
    list: '/rest/v1.0/companies/{company_id}/hazards',
    show: '/rest/v1.0/companies/{company_id}/hazards/{id}',
    create: '/rest/v1.0/companies/{company_id}/hazards',
    update: '/rest/v1.0/companies/{company_id}/hazards/{id}',
    delete: '/rest/v1.0/companies/{company_id}/hazards/{id}',
  },
  wrapperKey: 'hazard',
  incremental: true,
  permission: { tool: 'Incidents', level: 'admin', scope: 'company' },
};

/** Company work classifications: the list declares no filters[updated_at], so its changes are found by content hash. */
export const WORK_CLASSIFICATIONS = {
  scope: 'company',
  paths: {
    list: '/rest/v1.0/companies/{company_id}/work_classifications',
    show: '/rest/v1.0/companies/{company_id}/work_classifications/{id}',
    create: '/rest/v1.0/companies/{company_id}/work_classifications',
    update: '/rest/v1.0/companies/{company_id}/work_classifications/{id}',
  },
  wrapperKey: 'work_classification',
  incremental: false,
  changeDetection: 'content-hash',
  fullListingMinutes: 360,
  permission: { tool: 'Timesheets', level: 'admin', scope: 'company' },
};
