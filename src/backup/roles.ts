/**
 * The Atlas role each Cloud Backup call needs (the spec's x-rolesRequirements;
 * interface.md "Roles"). Project Owner holds them all.
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
