/** The Admin API versions the Cloud Backup resources are spoken in (atlas-api.md §6). */
export const API_VERSION = {
  /** Export jobs and snapshots exist only in this version. */
  exports: '2023-01-01',
  /** Export buckets: 2023-01-01 is AWS-only and sunsets 2027-07-01. */
  exportBuckets: '2024-05-30'
} as const
