/** Where a cluster's backups live in the Admin API. */
export interface ClusterRef {
  readonly projectId: string
  readonly clusterName: string
}

export function backupPath({ projectId, clusterName }: ClusterRef): string {
  return `/api/atlas/v2/groups/${projectId}/clusters/${encodeURIComponent(clusterName)}/backup`
}
