/**
 * Snapshots: the newest exportable one (`latest`), one by id, and an on-demand one
 * taken now (`new`).
 */
import { API_VERSION, type AtlasClient } from './atlas/client.js'
import { listAll, type Page } from './atlas/pages.js'
import { createOnce } from './create-once.js'
import { backupPath, type ClusterRef } from './cluster.js'

/** `DiskBackupReplicaSet` / `DiskBackupShardedClusterSnapshot`, the fields we read. */
export interface Snapshot {
  readonly id: string
  readonly status?: string
  readonly snapshotType?: string
  readonly createdAt?: string
  readonly type?: string
  readonly description?: string
}

/**
 * The newest exportable snapshot: `completed`, not `fallback`, greatest `createdAt`
 * (list order is not documented, so it is never trusted). Sharded clusters keep their
 * snapshots under a list of their own, asked only when the replica-set list is empty.
 */
export async function findLatestSnapshot(client: AtlasClient, cluster: ClusterRef): Promise<Snapshot | undefined> {
  const path = `${backupPath(cluster)}/snapshots`
  let snapshots = await listAll<Snapshot>(client, path, API_VERSION.exports)
  if (snapshots.length === 0) {
    // The spec gives this list no paging parameters: one call returns it whole.
    const page = await client.call<Page<Snapshot>>({ method: 'GET', path: `${path}/shardedClusters`, version: API_VERSION.exports })
    snapshots = Array.isArray(page.results) ? [...page.results] : []
  }
  return pickLatestSnapshot(snapshots)
}

/** Pure: the rule of `snapshot-id: latest`. */
export function pickLatestSnapshot(snapshots: readonly Snapshot[]): Snapshot | undefined {
  let latest: Snapshot | undefined
  let latestTime = -Infinity
  for (const snapshot of snapshots) {
    if (snapshot.status !== 'completed' || snapshot.snapshotType === 'fallback') continue
    const time = Date.parse(snapshot.createdAt ?? '')
    if (Number.isNaN(time)) continue
    if (time > latestTime) {
      latest = snapshot
      latestTime = time
    }
  }
  return latest
}


/** Pure: whether Atlas can export this snapshot; the reason when it cannot. */
export function whyNotExportable(snapshot: Snapshot): string | undefined {
  if (snapshot.snapshotType === 'fallback') return 'it is a fallback snapshot, which Atlas cannot export'
  if (snapshot.status !== 'completed') return `its status is ${snapshot.status ?? 'unknown'}, not completed`
  return undefined
}

/** One snapshot by id, replica set or sharded cluster (a sharded one lives under its own path). */
export async function getSnapshot(client: AtlasClient, cluster: ClusterRef, id: string, sharded?: boolean): Promise<Snapshot> {
  const path = `${backupPath(cluster)}/snapshots`
  const get = (shardedPath: boolean): Promise<Snapshot> =>
    client.call<Snapshot>({ method: 'GET', path: shardedPath ? `${path}/shardedCluster/${id}` : `${path}/${id}`, version: API_VERSION.exports })
  if (sharded !== undefined) return get(sharded)
  try {
    return await get(false)
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error
    return get(true).catch(() => Promise.reject(error))
  }
}

export interface OnDemandRequest {
  readonly description: string
  readonly retentionInDays: number
}

/** Takes an on-demand snapshot now; Atlas answers at once with it `queued`. */
export async function takeSnapshot(client: AtlasClient, cluster: ClusterRef, request: OnDemandRequest): Promise<Snapshot> {
  return client.call<Snapshot>({
    method: 'POST',
    path: `${backupPath(cluster)}/snapshots`,
    version: API_VERSION.exports,
    body: { description: request.description, retentionInDays: request.retentionInDays }
  })
}

/**
 * Takes the on-demand snapshot, never two: after an ambiguous failure, the snapshot
 * with this request's description (which names the run and its attempt) is ours.
 */
export async function takeSnapshotOnce(
  client: AtlasClient,
  cluster: ClusterRef,
  request: OnDemandRequest,
  info: (message: string) => void
): Promise<Snapshot> {
  const { value } = await createOnce({
    what: 'the snapshot request',
    create: () => takeSnapshot(client, cluster, request),
    find: async () =>
      (await listAll<Snapshot>(client, `${backupPath(cluster)}/snapshots`, API_VERSION.exports)).find(
        snapshot => snapshot.description === request.description && snapshot.snapshotType === 'onDemand'
      ),
    found: snapshot => `Found snapshot ${snapshot.id} (${snapshot.status}) taken by that request: using it.`,
    info
  })
  return value
}

/** `completed` and `failed` end a snapshot. */
export function isSnapshotDone(snapshot: Snapshot): boolean {
  return snapshot.status === 'completed' || snapshot.status === 'failed'
}
