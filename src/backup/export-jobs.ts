/**
 * Export jobs: create (never twice), get, list. Each is one or a few calls of the client.
 */
import type { AtlasCall, AtlasClient, Expectation } from '../atlas/client.js'
import { AtlasError, isRecord } from '../atlas/errors.js'
import { listAll, pageOf } from '../atlas/pages.js'
import type { CustomDatum } from '../custom-data.js'
import type { IfExported } from '../inputs.js'
import type { Log } from '../log.js'
import { backupPath, type ClusterRef } from './cluster.js'
import { ROLE } from './roles.js'
import { sameState } from './states.js'
import { API_VERSION } from './versions.js'

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

/** Successful, Failed and Cancelled end a job. */
export function isTerminal(state: string): boolean {
  return ['Successful', 'Failed', 'Cancelled'].some(end => sameState(state, end))
}

export function isSuccessful(state: string): boolean {
  return sameState(state, 'Successful')
}

function isExportJob(data: unknown): boolean {
  return isRecord(data) && typeof data.id === 'string' && typeof data.state === 'string'
}

const AN_EXPORT_JOB: Expectation = { what: 'an export job', test: isExportJob }
const EXPORT_JOBS = pageOf('export jobs', isExportJob)

function createCall(cluster: ClusterRef, request: ExportRequest): AtlasCall {
  return {
    method: 'POST',
    role: ROLE.exportOperator,
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

/**
 * How the run came to its job: made now, found after a lost answer, taken over while
 * active, an earlier Successful export reused, or followed by `export-job-id`.
 */
export type JobOrigin = 'created' | 'recovered' | 'taken-over' | 'reused' | 'followed'

export interface StartedExport {
  readonly job: ExportJob
  readonly origin: JobOrigin
}

export interface StartOptions {
  readonly log: Pick<Log, 'info'>
  readonly ifExported: IfExported
}

/** What to do about an export, given the cluster's export jobs. */
export type Decision =
  { readonly kind: 'take-over'; readonly job: ExportJob } | { readonly kind: 'reuse'; readonly job: ExportJob } | { readonly kind: 'create' }

/**
 * Pure: an active export of the same snapshot to the same bucket is taken over (Atlas
 * allows one per snapshot); a Successful one is reused unless told to export again;
 * anything else (none, Failed, Cancelled) is created anew. The newest wins a tie.
 */
export function decideExport(jobs: readonly ExportJob[], request: ExportRequest, ifExported: IfExported): Decision {
  const same = jobs.filter(job => sameExport(job, request)).sort((a, b) => created(b) - created(a))
  const active = same.find(job => !isTerminal(job.state))
  if (active) return { kind: 'take-over', job: active }
  const done = same.find(job => isSuccessful(job.state))
  if (done && ifExported === 'reuse') return { kind: 'reuse', job: done }
  return { kind: 'create' }
}

function created(job: ExportJob): number {
  const time = Date.parse(job.createdAt ?? '')
  return Number.isNaN(time) ? 0 : time
}

// Atlas stamps createdAt to the second with its own clock: allow for both.
const CLOCK_SKEW_MS = 60_000

/**
 * Looks before creating: an export of the same snapshot to the same bucket that is
 * active is taken over, one that succeeded is reused (`if-exported: reuse`), and only
 * otherwise is a job created, never two: after an ambiguous failure, the job of the same
 * snapshot and bucket created since the attempt began is ours. A 409 (a job that became
 * active between the look and the create) still takes that job over. A create that
 * starts before the run's deadline keeps its whole retry policy.
 */
export async function startExport(atlas: AtlasClient, cluster: ClusterRef, request: ExportRequest, options: StartOptions): Promise<StartedExport> {
  const client = atlas.withoutDeadline()
  const decision = decideExport(await listExportJobs(client, cluster), request, options.ifExported)
  if (decision.kind === 'take-over') return takeOver(decision.job, request, options)
  if (decision.kind === 'reuse') {
    const job = decision.job
    options.log.info(
      `Snapshot ${request.snapshotId} was already exported to this bucket by job ${job.id} (Successful${job.finishedAt ? `, finished ${job.finishedAt}` : ''}): reusing it, creating nothing (if-exported: reuse).`
    )
    return { job, origin: 'reused' }
  }
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
    const jobs = await listExportJobs(client, cluster).catch((listError: unknown) => {
      // The list's refusal is the failure to fix; the 409 is why it was asked.
      if (listError instanceof Error) listError.message = `${listError.message} (asked after the create was refused: ${error.message})`
      throw listError
    })
    const decision = decideExport(jobs, request, 'export-again')
    if (decision.kind !== 'take-over') throw error
    return takeOver(decision.job, request, options)
  }
}

function takeOver(job: ExportJob, request: ExportRequest, options: StartOptions): StartedExport {
  options.log.info(`An export of snapshot ${request.snapshotId} to this bucket is already ${job.state}: taking over job ${job.id} instead of creating another.`)
  return { job, origin: 'taken-over' }
}

function sameExport(job: ExportJob, request: ExportRequest): boolean {
  return job.snapshotId === request.snapshotId && job.exportBucketId === request.exportBucketId
}

export async function getExportJob(client: AtlasClient, cluster: ClusterRef, jobId: string): Promise<ExportJob> {
  return client.call<ExportJob>({
    method: 'GET',
    role: ROLE.backupManager,
    path: `${backupPath(cluster)}/exports/${jobId}`,
    version: API_VERSION.exports,
    expect: AN_EXPORT_JOB
  })
}

export async function listExportJobs(client: AtlasClient, cluster: ClusterRef): Promise<ExportJob[]> {
  return listAll<ExportJob>(client, { path: `${backupPath(cluster)}/exports`, version: API_VERSION.exports, expect: EXPORT_JOBS, role: ROLE.backupManager })
}
