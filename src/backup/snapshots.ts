/**
 * Snapshots: the newest exportable one (`latest`), one by id, and an on-demand one
 * taken now (`new`).
 */
import type { AtlasClient, Expectation } from '../atlas/client.js'
import { AtlasError } from '../atlas/errors.js'
import { isRecord } from '../atlas/json.js'
import { listAll, pageOf, usableItems, type Page } from '../atlas/pages.js'
import { API_VERSION, backupPath, ROLE, sameState, type ClusterRef } from './api.js'

/** `DiskBackupReplicaSet` / `DiskBackupShardedClusterSnapshot`, the fields we read. */
export interface Snapshot {
  readonly id: string
  readonly status?: string
  readonly snapshotType?: string
  readonly createdAt?: string
  readonly type?: string
  readonly description?: string
}

function isSnapshot(data: unknown): boolean {
  return isRecord(data) && typeof data.id === 'string'
}

const A_SNAPSHOT: Expectation = { what: 'a snapshot', test: isSnapshot }
const SNAPSHOTS = pageOf('snapshots', isSnapshot)

/**
 * Every snapshot of the cluster. A sharded cluster's snapshots may be listed apart
 * (its replica-set list empty): that list is asked when the first one is empty.
 */
async function listSnapshots(client: AtlasClient, cluster: ClusterRef): Promise<Snapshot[]> {
  const snapshots = await listReplicaSetSnapshots(client, cluster)
  return snapshots.length > 0 ? snapshots : listShardedSnapshots(client, cluster)
}

async function listReplicaSetSnapshots(client: AtlasClient, cluster: ClusterRef): Promise<Snapshot[]> {
  return listAll<Snapshot>(client, {
    path: snapshotsPath(cluster),
    version: API_VERSION.exports,
    expect: SNAPSHOTS,
    role: ROLE.readOnly
  })
}

async function listShardedSnapshots(client: AtlasClient, cluster: ClusterRef): Promise<Snapshot[]> {
  // The spec gives this list no paging parameters: one call returns it whole.
  const page = await client.call<Page<Snapshot>>({
    method: 'GET',
    path: `${snapshotsPath(cluster)}/shardedClusters`,
    version: API_VERSION.exports,
    expect: SNAPSHOTS,
    role: ROLE.readOnly
  })
  return usableItems<Snapshot>(page, SNAPSHOTS).items
}

function snapshotsPath(cluster: ClusterRef): string {
  return `${backupPath(cluster)}/snapshots`
}

/** One small read that Atlas answers 404 CLUSTER_NOT_FOUND for a cluster that is not there. */
export async function checkClusterExists(client: AtlasClient, cluster: ClusterRef): Promise<void> {
  await client.call<Page<Snapshot>>({
    method: 'GET',
    path: snapshotsPath(cluster),
    version: API_VERSION.exports,
    query: { pageNum: 1, itemsPerPage: 1, includeCount: false },
    expect: SNAPSHOTS,
    role: ROLE.readOnly
  })
}

/**
 * The newest exportable snapshot: `completed`, not `fallback`, greatest `createdAt`
 * (list order is not documented, so it is never trusted). Sharded clusters keep their
 * snapshots under a list of their own, asked only when the replica-set list is empty.
 */
export async function findLatestSnapshot(client: AtlasClient, cluster: ClusterRef): Promise<Snapshot | undefined> {
  return pickLatestSnapshot(await listSnapshots(client, cluster))
}

/** Pure: the rule of `snapshot-id: latest`. */
export function pickLatestSnapshot(snapshots: readonly Snapshot[]): Snapshot | undefined {
  let latest: Snapshot | undefined
  let latestTime = -Infinity
  for (const snapshot of snapshots) {
    if (whyNotExportable(snapshot)) continue
    const time = Date.parse(snapshot.createdAt ?? '')
    if (Number.isNaN(time)) continue
    if (time > latestTime) {
      latest = snapshot
      latestTime = time
    }
  }
  return latest
}

/** Pure: the one rule of what Atlas can export (completed, not fallback); the reason when it cannot. */
export function whyNotExportable(snapshot: Snapshot): string | undefined {
  if (sameState(snapshot.snapshotType, 'fallback')) return 'it is a fallback snapshot, which Atlas cannot export'
  if (!isCompleted(snapshot)) return `its status is ${snapshot.status ?? 'unknown'}, not completed`
  return undefined
}

export function isCompleted(snapshot: Snapshot): boolean {
  return sameState(snapshot.status, 'completed')
}

/** Where a snapshot is read: a sharded cluster's live under a path of their own; `either` tries both. */
export type SnapshotPath = 'replica-set' | 'sharded' | 'either'

/** One snapshot by id. */
export async function getSnapshot(
  client: AtlasClient,
  cluster: ClusterRef,
  id: string,
  where: SnapshotPath
): Promise<Snapshot> {
  const path = snapshotsPath(cluster)
  const get = (sharded: boolean): Promise<Snapshot> =>
    client.call<Snapshot>({
      method: 'GET',
      role: ROLE.readOnly,
      path: sharded ? `${path}/shardedCluster/${id}` : `${path}/${id}`,
      version: API_VERSION.exports,
      expect: A_SNAPSHOT
    })
  if (where !== 'either') return get(where === 'sharded')
  try {
    return await get(false)
  } catch (error) {
    if (!(error instanceof AtlasError && error.status === 404)) throw error
    return get(true).catch(() => Promise.reject(error))
  }
}

/** An on-demand snapshot to take. */
export interface OnDemandRequest {
  /** Names the run and its attempt. */
  readonly description: string
  /** The start of the description that says whose it is: how a lost answer's snapshot is found again. */
  readonly marker: string
  readonly retentionDays: number
}

/**
 * Takes an on-demand snapshot (Atlas answers at once with it `queued`), never two:
 * after an ambiguous failure, the snapshot with this request's description (which
 * names the run and its attempt) is ours, in whichever list the cluster keeps it.
 */
export async function takeSnapshotOnce(
  client: AtlasClient,
  cluster: ClusterRef,
  request: OnDemandRequest
): Promise<Snapshot> {
  const call = {
    method: 'POST',
    role: ROLE.backupCreator,
    path: snapshotsPath(cluster),
    version: API_VERSION.exports,
    body: { description: request.description, retentionInDays: request.retentionDays },
    expect: A_SNAPSHOT
  } as const
  const { value } = await client.create<Snapshot>(call, {
    what: 'the snapshot request',
    find: async lookupClient => {
      const ours = (snapshot: Snapshot): boolean =>
        (snapshot.description ?? '').startsWith(request.marker) && snapshot.snapshotType === 'onDemand'
      // Whether Atlas lists a sharded cluster's snapshots with the replica sets' is not
      // known: look in both lists before asking for another snapshot.
      const found = (await listReplicaSetSnapshots(lookupClient, cluster)).find(ours)
      if (found) return found
      try {
        return (await listShardedSnapshots(lookupClient, cluster)).find(ours)
      } catch (error) {
        // A replica set may have no sharded list at all: then there is nothing in it.
        if (error instanceof AtlasError && (error.status === 400 || error.status === 404)) return undefined
        throw error
      }
    },
    found: snapshot => `Found snapshot ${snapshot.id} (${snapshot.status}) taken by that request: using it.`
  })
  return value
}

export function isSnapshotDone(snapshot: Snapshot): boolean {
  return isCompleted(snapshot) || sameState(snapshot.status, 'failed')
}
