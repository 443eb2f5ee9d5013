/**
 * Export jobs: what a job is and when it has ended, the decision before creating one
 * (take over, reuse, create), creating one never twice, reading and listing them.
 */
import type { AtlasCall, AtlasClient, Expectation } from '../atlas/client.js'
import { AtlasError } from '../atlas/errors.js'
import { isRecord } from '../atlas/json.js'
import { listAll, pageOf } from '../atlas/pages.js'
import type { CustomDatum } from '../inputs/custom-data.js'
import { API_VERSION, backupPath, ROLE, sameState, type ClusterRef } from './api.js'

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

/** When a Successful export of the same snapshot to the same bucket exists: report it, or export again. */
export type IfExported = 'reuse' | 'export-again'

/**
 * How the run came to its job: made now, found after a lost answer, taken over while
 * active, an earlier Successful export reused, or followed by `export-job-id`.
 */
export type JobOrigin = 'created' | 'recovered' | 'taken-over' | 'reused' | 'followed'

export interface StartedExport {
  readonly job: ExportJob
  readonly origin: JobOrigin
}

export function isTerminal(state: string): boolean {
  return ['Successful', 'Failed', 'Cancelled'].some(end => sameState(state, end))
}

export function isSuccessful(state: string): boolean {
  return sameState(state, 'Successful')
}

/** Only these are running: a job in a state Atlas may add later (`Expired`) is not taken over. */
export function isActive(state: string): boolean {
  return sameState(state, 'Queued') || sameState(state, 'InProgress')
}

/** Pure: the earlier jobs of this export whose state this action does not know (neither active nor ended). */
export function jobsInUnknownStates(jobs: readonly ExportJob[], request: ExportRequest): ExportJob[] {
  return jobs.filter(job => sameExport(job, request) && !isActive(job.state) && !isTerminal(job.state))
}

/**
 * The one rule of a job that ended without an export (Failed or Cancelled): it fails
 * the step, whichever path found it. `alreadyEnded`: it had ended before this run read it.
 */
export function failIfEndedWithoutExport(job: ExportJob, alreadyEnded: boolean): void {
  if (isTerminal(job.state) && !isSuccessful(job.state)) throw new ExportJobFailedError(job, alreadyEnded)
}

/** The job ended Failed or Cancelled: the message carries Atlas's stateReason. */
export class ExportJobFailedError extends Error {
  readonly errorCode: string | undefined
  constructor(
    readonly job: ExportJob,
    readonly alreadyEnded: boolean
  ) {
    const reason = job.stateReason
    const why =
      reason?.errorCode || reason?.message
        ? `: ${[reason.errorCode, reason.message].filter(Boolean).join(': ')}`
        : ' (Atlas gave no reason)'
    const ended = alreadyEnded ? `had already ended ${job.state} when this run read it` : `ended ${job.state}`
    super(`Export job ${job.id} ${ended}${why}`)
    this.name = 'ExportJobFailedError'
    this.errorCode = reason?.errorCode
  }
}

/** Pure: how long the export took, by Atlas's own clock (createdAt to finishedAt). */
export function exportDuration(job: ExportJob): number | undefined {
  const created = Date.parse(job.createdAt ?? '')
  const finished = Date.parse(job.finishedAt ?? '')
  return Number.isNaN(created) || Number.isNaN(finished) ? undefined : finished - created
}

/** Pure: what Atlas says of the collections, never as a percentage (it can stay 0/0 on success). */
export function collectionsText(job: ExportJob): string | undefined {
  const status = job.exportStatus
  if (!status || typeof status.totalCollections !== 'number' || status.totalCollections <= 0) return undefined
  return `${status.exportedCollections ?? 0} of ${status.totalCollections} collections exported`
}

function isExportJob(data: unknown): boolean {
  return isRecord(data) && typeof data.id === 'string' && typeof data.state === 'string'
}

const AN_EXPORT_JOB: Expectation = { what: 'an export job', test: isExportJob }
const EXPORT_JOBS = pageOf('export jobs', isExportJob)

/** What to do about an export, given the cluster's export jobs. */
export type Decision =
  | { readonly kind: 'take-over'; readonly job: ExportJob }
  | { readonly kind: 'reuse'; readonly job: ExportJob }
  | { readonly kind: 'create' }

/**
 * Pure: an active export of the same snapshot to the same bucket is taken over (Atlas
 * allows one per snapshot); a Successful one is reused unless told to export again;
 * anything else (none, Failed, Cancelled) is created anew. The newest wins a tie.
 */
export function decideExport(jobs: readonly ExportJob[], request: ExportRequest, ifExported: IfExported): Decision {
  const same = jobs.filter(job => sameExport(job, request)).sort((a, b) => created(b) - created(a))
  const active = same.find(job => isActive(job.state))
  if (active) return { kind: 'take-over', job: active }
  const done = same.find(job => isSuccessful(job.state))
  if (done && ifExported === 'reuse') return { kind: 'reuse', job: done }
  return { kind: 'create' }
}

function created(job: ExportJob): number {
  const time = Date.parse(job.createdAt ?? '')
  return Number.isNaN(time) ? 0 : time
}

/**
 * Creates the export job, never two: after an ambiguous failure, a job of the same
 * snapshot and bucket that was not in the look's list (`known`, the ids listed before
 * creating) is ours. No clock decides it: not the runner's, which may be minutes off
 * Atlas's. A 409 (a job that became active since the look) takes that job over.
 */
export async function createExport(
  client: AtlasClient,
  cluster: ClusterRef,
  request: ExportRequest,
  known: ReadonlySet<string>
): Promise<StartedExport> {
  try {
    const { value: job, recovered } = await client.create<ExportJob>(createCall(cluster, request), {
      what: 'the create',
      find: async lookupClient => {
        const jobs = await listExportJobs(lookupClient, cluster)
        return jobs.find(job => sameExport(job, request) && !known.has(job.id))
      },
      found: job => `Found export job ${job.id} (${job.state}) created by that request: using it.`
    })
    return { job, origin: recovered ? 'recovered' : 'created' }
  } catch (error) {
    if (!(error instanceof AtlasError && error.status === 409)) throw error
    const jobs = await listExportJobs(client, cluster).catch((listError: unknown) => {
      // The list's refusal is the failure to fix; the 409 is why it was asked.
      if (listError instanceof Error)
        listError.message = `${listError.message} (asked after the create was refused: ${error.message})`
      throw listError
    })
    const decision = decideExport(jobs, request, 'export-again')
    if (decision.kind !== 'take-over') throw error
    return { job: decision.job, origin: 'taken-over' }
  }
}

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
  return listAll<ExportJob>(client, {
    path: `${backupPath(cluster)}/exports`,
    version: API_VERSION.exports,
    expect: EXPORT_JOBS,
    role: ROLE.backupManager
  })
}
