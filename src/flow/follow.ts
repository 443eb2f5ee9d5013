/**
 * Following something in Atlas until it ends, with calm progress logs: an export job
 * (`wait: true`), an on-demand snapshot (`snapshot-id: new`).
 */
import type { AtlasClient } from '../atlas/client.js'
import { failureSummary, isTransient } from '../atlas/retry.js'
import type { ClusterRef } from '../backup/api.js'
import {
  collectionsText,
  failIfEndedWithoutExport,
  getExportJob,
  isTerminal,
  type ExportJob
} from '../backup/export-jobs.js'
import { getSnapshot, isCompleted, isSnapshotDone, type Snapshot } from '../backup/snapshots.js'
import { formatDuration } from '../inputs/duration.js'
import type { Clock } from '../runner/clock.js'
import type { Log } from '../runner/log.js'
import { pollUntil, WaitTimeoutError, type WaitOptions } from './polling.js'
import { ProgressLog } from './progress-log.js'

export interface FollowOptions {
  readonly deadline: number
  readonly intervalMs: number
  /** The first poll after this long (default: one interval). */
  readonly firstPollMs?: number | undefined
  /** How long a state may last without a progress line. */
  readonly heartbeatMs?: number | undefined
  readonly startedAt: number
  readonly log: Log
  readonly clock: Clock
  readonly signal: AbortSignal
}

function pollOptions<T>(options: FollowOptions, onPoll: (value: T) => void): WaitOptions<T> {
  return {
    deadline: options.deadline,
    intervalMs: options.intervalMs,
    firstPollMs: options.firstPollMs,
    clock: options.clock,
    signal: options.signal,
    isTransient,
    onPollError: (error: unknown) => options.log.info(`This poll failed (${failureSummary(error)}); the wait goes on.`),
    onPoll
  }
}

/**
 * Until Successful; Failed, Cancelled or the deadline throw. `onJob` sees every job
 * document. A job that had already ended when the run read it is not waited for.
 */
export async function followExportJob(
  client: AtlasClient,
  cluster: ClusterRef,
  first: ExportJob,
  options: FollowOptions,
  onJob: (job: ExportJob) => void
): Promise<ExportJob> {
  const { log, clock } = options
  failIfEndedWithoutExport(first, true)
  if (!isTerminal(first.state)) {
    const left = formatDuration(options.deadline - clock.now())
    log.info(
      `Waiting for export job ${first.id}: a poll every ${formatDuration(options.intervalMs)}, for at most ${left} more (wait-timeout).`
    )
  }
  // Counted from the job's creation, as the summary's Duration is: one clock for both.
  const since = Date.parse(first.createdAt ?? '')
  const progress = new ProgressLog(
    `Export job ${first.id}`,
    first.state,
    Number.isNaN(since) ? options.startedAt : since,
    log,
    options.heartbeatMs
  )
  const outcome = await pollUntil(
    first,
    () => getExportJob(client, cluster, first.id),
    job => isTerminal(job.state),
    pollOptions<ExportJob>(options, job => {
      onJob(job)
      progress.poll(job.state, collectionsText(job), clock.now())
    })
  )
  const last = outcome.last
  if (outcome.kind === 'timed-out') {
    throw new WaitTimeoutError(
      `export job ${last.id}`,
      last.state,
      clock.now() - options.startedAt,
      `The export goes on in Atlas, and its outputs are set. To follow it: re-run this workflow (the run takes the job over), or give export-job-id: ${last.id} to a later step with wait: true.`,
      last
    )
  }
  failIfEndedWithoutExport(last, false)
  log.info(`Export job ${last.id} is ${last.state}; files under ${last.prefix || '(no prefix)'}.`)
  return last
}

/**
 * Until `completed`; `failed` or the deadline throw, and nothing is exported.
 * `afterword`: what a timeout leaves behind.
 */
export async function followSnapshot(
  client: AtlasClient,
  cluster: ClusterRef,
  taken: Snapshot,
  afterword: string,
  options: FollowOptions
): Promise<Snapshot> {
  const { log, clock } = options
  const where = taken.type === 'shardedCluster' ? 'sharded' : 'replica-set'
  const progress = new ProgressLog(
    `Snapshot ${taken.id}`,
    taken.status ?? 'queued',
    options.startedAt,
    log,
    options.heartbeatMs
  )
  const outcome = await pollUntil(
    taken,
    () => getSnapshot(client, cluster, taken.id, where),
    isSnapshotDone,
    pollOptions<Snapshot>(options, snapshot => progress.poll(snapshot.status ?? 'unknown', undefined, clock.now()))
  )
  const snapshot = outcome.last
  if (outcome.kind === 'timed-out') {
    const waited = clock.now() - options.startedAt
    throw new WaitTimeoutError(`on-demand snapshot ${snapshot.id}`, snapshot.status ?? 'unknown', waited, afterword)
  }
  if (!isCompleted(snapshot)) {
    throw new Error(
      `On-demand snapshot ${snapshot.id} ended ${snapshot.status}: Atlas could not take it, and nothing was exported.`
    )
  }
  log.info(`Snapshot ${snapshot.id} is completed (taken ${snapshot.createdAt ?? 'just now'}).`)
  return snapshot
}
