/**
 * The Cloud Backup operations this action needs: snapshots (list, pick the latest)
 * and export jobs (create, get, list). Each is one or a few calls of the client.
 */
import { API_VERSION, type AtlasClient } from './atlas/client.js'
import { AtlasError } from './atlas/errors.js'
import { classify, failureSummary } from './atlas/retry.js'
import type { CustomDatum } from './custom-data.js'

export type ExportState = 'Queued' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelled'

/** `DiskBackupExportJob`, typed loosely: Atlas omits fields until they apply. */
export interface ExportJob {
  readonly id: string
  readonly snapshotId?: string
  readonly exportBucketId: string
  readonly state: ExportState | (string & {})
  readonly createdAt?: string
  readonly finishedAt?: string
  readonly prefix?: string
  readonly stateReason?: { readonly errorCode?: string; readonly message?: string }
  readonly exportStatus?: { readonly exportedCollections?: number; readonly totalCollections?: number }
  readonly components?: readonly { readonly exportId?: string; readonly replicaSetName?: string }[]
  readonly customData?: readonly CustomDatum[]
}

/** `DiskBackupReplicaSet` / `DiskBackupShardedClusterSnapshot`, the fields we read. */
export interface Snapshot {
  readonly id: string
  readonly status?: string
  readonly snapshotType?: string
  readonly createdAt?: string
  readonly type?: string
  readonly description?: string
}

export interface ClusterRef {
  readonly projectId: string
  readonly clusterName: string
}

export interface ExportRequest {
  readonly snapshotId: string
  readonly exportBucketId: string
  readonly customData: readonly CustomDatum[]
}

const TERMINAL = new Set(['successful', 'failed', 'cancelled'])

/** Successful, Failed and Cancelled end a job (compared as the Atlas CLI does, ignoring case). */
export function isTerminal(state: string): boolean {
  return TERMINAL.has(state.toLowerCase())
}

function backupPath({ projectId, clusterName }: ClusterRef): string {
  return `/api/atlas/v2/groups/${projectId}/clusters/${encodeURIComponent(clusterName)}/backup`
}

export async function createExportJob(client: AtlasClient, cluster: ClusterRef, request: ExportRequest): Promise<ExportJob> {
  const job = await client.call<ExportJob>({
    method: 'POST',
    path: `${backupPath(cluster)}/exports`,
    version: API_VERSION.exports,
    body: {
      snapshotId: request.snapshotId,
      exportBucketId: request.exportBucketId,
      ...(request.customData.length > 0 ? { customData: request.customData } : {})
    }
  })
  return checkJob(job)
}

/** How the run came to its job: made now, found after a lost answer, or taken over from an earlier run. */
export type JobOrigin = 'created' | 'recovered' | 'resumed'

export interface StartedExport {
  readonly job: ExportJob
  readonly origin: JobOrigin
}

export interface StartOptions {
  readonly info: (message: string) => void
  readonly now?: () => number
}

// Atlas stamps createdAt to the second with its own clock: allow for both.
const CLOCK_SKEW_MS = 60_000
const MAX_CREATE_ATTEMPTS = 3

/**
 * Creates the export job, never two. A create that may have reached Atlas (a timeout
 * or reset after sending, 500, 502, 504) is followed by a look at the cluster's jobs:
 * one with the same snapshot and bucket created since the attempt began is ours.
 * Only when there is none is the POST sent again. A 409 (Atlas allows one active
 * export per snapshot) takes over the active job of the same snapshot and bucket,
 * which is what re-running a failed workflow run needs.
 */
export async function startExport(client: AtlasClient, cluster: ClusterRef, request: ExportRequest, options: StartOptions): Promise<StartedExport> {
  const now = options.now ?? Date.now
  for (let attempt = 1; ; attempt++) {
    const attemptStartedAt = now()
    try {
      return { job: await createExportJob(client, cluster, request), origin: 'created' }
    } catch (error) {
      if (error instanceof AtlasError && error.status === 409) {
        const active = (await listExportJobs(client, cluster)).find(
          job => sameExport(job, request) && /^(queued|inprogress)$/i.test(job.state)
        )
        if (!active) throw error
        options.info(`An export of snapshot ${request.snapshotId} to this bucket is already ${active.state}: taking over job ${active.id} instead of creating another.`)
        return { job: active, origin: 'resumed' }
      }
      if (classify(error) !== 'ambiguous') throw error
      options.info(`${failureSummary(error)} to the create, which may have reached Atlas: looking for the job before trying again.`)
      const since = Math.floor(attemptStartedAt / 1000) * 1000 - CLOCK_SKEW_MS
      const ours = (await listExportJobs(client, cluster)).find(
        job => sameExport(job, request) && Date.parse(job.createdAt ?? '') >= since
      )
      if (ours) {
        options.info(`Found export job ${ours.id} (${ours.state}) created by that request: using it.`)
        return { job: ours, origin: 'recovered' }
      }
      if (attempt >= MAX_CREATE_ATTEMPTS) throw error
      options.info('No job was created: sending the create again.')
    }
  }
}

function sameExport(job: ExportJob, request: ExportRequest): boolean {
  return job.snapshotId === request.snapshotId && job.exportBucketId === request.exportBucketId
}

export async function getExportJob(client: AtlasClient, cluster: ClusterRef, jobId: string): Promise<ExportJob> {
  const job = await client.call<ExportJob>({
    method: 'GET',
    path: `${backupPath(cluster)}/exports/${jobId}`,
    version: API_VERSION.exports
  })
  return checkJob(job)
}

export async function listExportJobs(client: AtlasClient, cluster: ClusterRef): Promise<ExportJob[]> {
  return listAll<ExportJob>(client, `${backupPath(cluster)}/exports`, API_VERSION.exports)
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

interface Page<T> {
  readonly results?: readonly T[]
  readonly links?: readonly { readonly rel?: string }[]
}

// 500 is Atlas's maximum page size: one request for all but the largest lists.
const PAGE_SIZE = 500
const MAX_PAGES = 200

/**
 * Every page of a list. Pages are asked for by number against our own base URL; the
 * `next` link's href is never followed, so credentials never go to a host Atlas names.
 */
async function listAll<T>(client: AtlasClient, path: string, version: string): Promise<T[]> {
  const items: T[] = []
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const page = await client.call<Page<T>>({
      method: 'GET',
      path,
      version,
      query: { pageNum, itemsPerPage: PAGE_SIZE, includeCount: false }
    })
    const results = Array.isArray(page.results) ? page.results : []
    items.push(...results)
    const hasNext = page.links?.some(link => link.rel === 'next') ?? false
    if (results.length === 0 || (!hasNext && results.length < PAGE_SIZE)) break
  }
  return items
}

function checkJob(job: ExportJob): ExportJob {
  if (typeof job !== 'object' || job === null || typeof job.id !== 'string' || typeof job.state !== 'string') {
    throw new Error(`Atlas answered with something that is not an export job: ${JSON.stringify(job).slice(0, 200)}`)
  }
  return job
}
