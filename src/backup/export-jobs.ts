/**
 * Export jobs: create (never twice), get, list. Each is one or a few calls of the client.
 */
import { API_VERSION } from './versions.js'
import { type AtlasCall, type AtlasClient, type Expectation } from '../atlas/client.js'
import { AtlasError, isRecord } from '../atlas/errors.js'
import { listAll, pageOf } from '../atlas/pages.js'
import { backupPath, type ClusterRef } from './cluster.js'
import type { CustomDatum } from '../custom-data.js'
import type { Log } from '../log.js'

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

export function isSuccessful(state: string): boolean {
  return state.toLowerCase() === 'successful'
}

function isExportJob(data: unknown): boolean {
  return isRecord(data) && typeof data.id === 'string' && typeof data.state === 'string'
}

const AN_EXPORT_JOB: Expectation = { what: 'an export job', test: isExportJob }
const EXPORT_JOBS = pageOf('export jobs', isExportJob)

function createCall(cluster: ClusterRef, request: ExportRequest): AtlasCall {
  return {
    method: 'POST',
    path: `${backupPath(cluster)}/exports`,
    version: API_VERSION.exports,
    body: {
      snapshotId: request.snapshotId,
      exportBucketId: request.exportBucketId,
      ...(request.customData.length > 0 ? { customData: request.customData } : {})
    },
    expect: AN_EXPORT_JOB
  }
}

/** How the run came to its job: made now, found after a lost answer, or taken over from an earlier run. */
export type JobOrigin = 'created' | 'recovered' | 'taken-over'

export interface StartedExport {
  readonly job: ExportJob
  readonly origin: JobOrigin
}

export interface StartOptions {
  readonly log: Pick<Log, 'info'>
}

// Atlas stamps createdAt to the second with its own clock: allow for both.
const CLOCK_SKEW_MS = 60_000

/**
 * Creates the export job, never two: after an ambiguous failure, the job with the same
 * snapshot and bucket created since the attempt began is ours. A 409 (Atlas allows one
 * active export per snapshot) takes over the active job of the same snapshot and
 * bucket, which is what re-running a failed workflow run needs. A create that starts
 * before the run's deadline keeps its whole retry policy.
 */
export async function startExport(atlas: AtlasClient, cluster: ClusterRef, request: ExportRequest, options: StartOptions): Promise<StartedExport> {
  const client = atlas.withoutDeadline()
  try {
    const { value: job, recovered } = await client.create<ExportJob>(createCall(cluster, request), {
      what: 'the create',
      find: async since => {
        const from = Math.floor(since / 1000) * 1000 - CLOCK_SKEW_MS
        return (await listExportJobs(client, cluster)).find(job => sameExport(job, request) && Date.parse(job.createdAt ?? '') >= from)
      },
      found: job => `Found export job ${job.id} (${job.state}) created by that request: using it.`
    })
    return { job, origin: recovered ? 'recovered' : 'created' }
  } catch (error) {
    if (!(error instanceof AtlasError && error.status === 409)) throw error
    const active = (await listExportJobs(client, cluster)).find(job => sameExport(job, request) && !isTerminal(job.state))
    if (!active) throw error
    options.log.info(`An export of snapshot ${request.snapshotId} to this bucket is already ${active.state}: taking over job ${active.id} instead of creating another.`)
    return { job: active, origin: 'taken-over' }
  }
}

function sameExport(job: ExportJob, request: ExportRequest): boolean {
  return job.snapshotId === request.snapshotId && job.exportBucketId === request.exportBucketId
}

export async function getExportJob(client: AtlasClient, cluster: ClusterRef, jobId: string): Promise<ExportJob> {
  return client.call<ExportJob>({
    method: 'GET',
    path: `${backupPath(cluster)}/exports/${jobId}`,
    version: API_VERSION.exports,
    expect: AN_EXPORT_JOB
  })
}

export async function listExportJobs(client: AtlasClient, cluster: ClusterRef): Promise<ExportJob[]> {
  return listAll<ExportJob>(client, `${backupPath(cluster)}/exports`, API_VERSION.exports, EXPORT_JOBS)
}
