/**
 * How the Admin API lays out Cloud Backup: where a cluster's backups live, the API
 * version each resource is spoken in, the role each call needs, and how states compare.
 */

export interface ClusterRef {
  readonly projectId: string
  readonly clusterName: string
}

export function backupPath({ projectId, clusterName }: ClusterRef): string {
  return `/api/atlas/v2/groups/${projectId}/clusters/${encodeURIComponent(clusterName)}/backup`
}

/**
 * The versions of the resources (Atlas's versioning page:
 * https://www.mongodb.com/docs/atlas/api/versioned-api-overview/).
 */
export const API_VERSION = {
  /** Export jobs and snapshots exist only in this version. */
  exports: '2023-01-01',
  /** Export Buckets: 2023-01-01 is AWS-only and sunsets 2027-07-01. */
  exportBuckets: '2024-05-30',
  /** A project's clusters: 2023-02-01 is deprecated and sunsets 2027-07-01. */
  clusters: '2024-08-05'
} as const

/**
 * The role each call needs, from the `x-rolesRequirements` of Atlas's OpenAPI spec
 * (the README's set-up lists them). Project Owner holds them all.
 */
export const ROLE = {
  /** Create an export job. */
  exportOperator: 'Project Backup Export Operator',
  /** Read or list export jobs: waiting, the take-over, the look before creating, export-job-id. */
  backupManager: 'Project Backup Manager',
  /** Take an on-demand snapshot. */
  backupCreator: 'Project Backup Creator',
  /** Read snapshots and Export Buckets. */
  readOnly: 'Project Read Only'
} as const

/**
 * Atlas's states are compared as the Atlas CLI compares them, ignoring case: export job
 * states (`Successful`) and snapshot states (`completed`) alike.
 */
export function sameState(state: string | undefined, expected: string): boolean {
  return state?.toLowerCase() === expected.toLowerCase()
}
