/**
 * Following something in Atlas until it ends, with calm progress logs and outputs kept
 * current: an export job (`wait: true`), an on-demand snapshot (`snapshot-id: new`).
 */
import type { AtlasClient } from './atlas/client.js'
import { failureSummary, isTransient } from './atlas/retry.js'
import type { ClusterRef } from './backup/cluster.js'
import type { Clock } from './clock.js'
import { days, formatDuration } from './duration.js'
import { getExportJob, isSuccessful, isTerminal, type ExportJob } from './backup/export-jobs.js'
import type { Log } from './log.js'
import { collectionsText, ProgressLog } from './progress.js'
import { getSnapshot, isCompleted, isSnapshotDone, type Snapshot } from './backup/snapshots.js'
import { pollUntil } from './wait.js'

export interface FollowOptions {
  readonly deadline: number
  readonly intervalMs: number
  readonly startedAt: number
  readonly log: Pick<Log, 'info' | 'debug'>
  readonly clock: Clock
  readonly signal?: AbortSignal | undefined
}

function pollOptions(options: FollowOptions) {
  return {
    deadline: options.deadline,
    intervalMs: options.intervalMs,
    clock: options.clock,
    signal: options.signal,
    isTransient,
    onPollError: (error: unknown) => options.log.info(`This poll failed (${failureSummary(error)}); the wait goes on.`)
  }
}

/** Until Successful; Failed, Cancelled or the deadline throw. `onJob` sees every job document. */
export async function followExportJob(
  client: AtlasClient,
  cluster: ClusterRef,
  created: ExportJob,
  options: FollowOptions,
  onJob: (job: ExportJob) => void
): Promise<ExportJob> {
  const { log } = options
  const { clock } = options
  log.info(
    `Waiting for export job ${created.id}: a poll every ${formatDuration(options.intervalMs)}, for at most ${formatDuration(options.deadline - clock.now())} more (wait-timeout).`
  )
  // Counted from the job's creation, as the summary's Duration is: one clock for both.
  const since = Date.parse(created.createdAt ?? '')
  const progress = new ProgressLog(`Export job ${created.id}`, created.state, Number.isNaN(since) ? options.startedAt : since, log)
  const outcome = await pollUntil(
    created,
    () => getExportJob(client, cluster, created.id),
    job => isTerminal(job.state),
    {
      ...pollOptions(options),
      onPoll: job => {
        onJob(job)
        progress.poll(job.state, collectionsText(job), clock.now())
      }
    }
  )
  if (outcome.kind === 'timed-out') throw WaitTimeoutError.forJob(outcome.last, clock.now() - options.startedAt)
  if (!isSuccessful(outcome.last.state)) throw new ExportJobFailedError(outcome.last)
  log.info(`Export job ${outcome.last.id} is ${outcome.last.state}; files under ${outcome.last.prefix || '(no prefix)'}.`)
  return outcome.last
}

/** Until `completed`; `failed` or the deadline throw, and nothing is exported. */
export async function followSnapshot(
  client: AtlasClient,
  cluster: ClusterRef,
  taken: Snapshot,
  retentionDays: number,
  options: FollowOptions
): Promise<Snapshot> {
  const { log } = options
  const { clock } = options
  const sharded = taken.type === 'shardedCluster'
  const progress = new ProgressLog(`Snapshot ${taken.id}`, taken.status ?? 'queued', options.startedAt, log)
  const outcome = await pollUntil(taken, () => getSnapshot(client, cluster, taken.id, sharded), isSnapshotDone, {
    ...pollOptions(options),
    onPoll: snapshot => progress.poll(snapshot.status ?? 'unknown', undefined, clock.now())
  })
  const snapshot = outcome.last
  if (outcome.kind === 'timed-out') {
    throw new WaitTimeoutError(
      `on-demand snapshot ${snapshot.id}`,
      snapshot.status ?? 'unknown',
      clock.now() - options.startedAt,
      `Nothing was exported. The snapshot goes on in Atlas and is kept ${days(retentionDays)}.`
    )
  }
  if (!isCompleted(snapshot)) {
    throw new Error(`On-demand snapshot ${snapshot.id} ended ${snapshot.status}: Atlas could not take it, and nothing was exported.`)
  }
  log.info(`Snapshot ${snapshot.id} is completed (taken ${snapshot.createdAt ?? 'just now'}).`)
  return snapshot
}

/** The job ended Failed or Cancelled: the message carries Atlas's stateReason. */
export class ExportJobFailedError extends Error {
  readonly errorCode: string | undefined
  constructor(readonly job: ExportJob) {
    const reason = job.stateReason
    const why = reason?.errorCode || reason?.message ? `: ${[reason.errorCode, reason.message].filter(Boolean).join(': ')}` : ' (Atlas gave no reason)'
    super(`Export job ${job.id} ended ${job.state}${why}`)
    this.name = 'ExportJobFailedError'
    this.errorCode = reason?.errorCode
  }
}

/** The wait ran out; what was waited for goes on in Atlas. */
export class WaitTimeoutError extends Error {
  constructor(
    subject: string,
    state: string,
    waitedMs: number,
    afterword: string,
    /** The export job that is still running, when it was the job that was waited for. */
    readonly runningJob?: ExportJob
  ) {
    super(`Stopped waiting after ${formatDuration(waitedMs)} (wait-timeout): ${subject} is still ${state}. ${afterword}`)
    this.name = 'WaitTimeoutError'
  }

  static forJob(job: ExportJob, waitedMs: number): WaitTimeoutError {
    return new WaitTimeoutError(
      `export job ${job.id}`,
      job.state,
      waitedMs,
      `The export goes on in Atlas, and its outputs are set. To follow it: re-run this workflow (the run takes the job over), or give export-job-id: ${job.id} to a later step with wait: true.`,
      job
    )
  }
}
