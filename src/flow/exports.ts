/**
 * What a run exports, once it has signed in: the job given by `export-job-id`, one
 * cluster, or a fleet (every cluster the entries pick, side by side, each on its own).
 * The bucket and the project's clusters are read once, for all of them.
 */
import { formatDuration } from '../inputs/duration.js'
import { prefixed } from '../runner/log.js'
import { inStage } from '../report/failure.js'
import type { RunRecord, Stage } from '../report/record.js'
import { resolveBucket } from './bucket-choice.js'
import { chooseClusters } from './cluster-choice.js'
import { exportCluster, type RunContext } from './export-cluster.js'
import { HEARTBEAT_MS } from './progress-log.js'

export async function exportAll(ctx: RunContext, at: (stage: Stage) => void): Promise<void> {
  const { client, inputs, recorder, log } = ctx
  const { bucket: choice, exportJobId } = inputs
  if (exportJobId) {
    // A followed job names its own bucket, read once the job is.
    return exportCluster(ctx, inputs.clusterName, { kind: 'job', jobId: exportJobId })
  }
  if (choice.kind === 'of-job') return
  const bucket = await inStage('bucket', at, () => resolveBucket(client, inputs.projectId, choice, log))
  recorder.run(r => void (r.bucket = bucket))
  if (!inputs.fleet) return exportCluster(ctx, inputs.clusterName, { kind: 'snapshot', bucket })
  const { picked, passedOver } = await inStage('clusters', at, () =>
    chooseClusters(client, inputs.projectId, inputs.clusters, log)
  )
  recorder.run(r => void (r.passedOver = passedOver))
  // The record's order is the run's: the order the entries name the clusters.
  for (const name of picked) recorder.export(name, () => {})
  const done = new AbortController()
  const progress = inputs.wait ? fleetProgress(ctx, done.signal) : Promise.resolve()
  try {
    await Promise.all(
      picked.map((name, i) =>
        exportCluster(clusterContext(ctx, name, i, picked.length), name, { kind: 'snapshot', bucket })
      )
    )
  } finally {
    done.abort()
    await progress
  }
}

/**
 * One cluster of a fleet: its log lines start with its name, its state changes are its
 * only progress lines (the fleet line says the rest), and its polls are spread over the
 * interval so that N waits do not poll in one burst.
 */
function clusterContext(ctx: RunContext, name: string, index: number, count: number): RunContext {
  const log = prefixed(ctx.log, `${name}: `)
  const firstPollMs = Math.round((ctx.follow.intervalMs * (index + 1)) / count)
  return { ...ctx, log, follow: { ...ctx.follow, log, heartbeatMs: Infinity, firstPollMs } }
}

/** While a fleet waits: one line at most every few minutes with its clusters' states. */
async function fleetProgress(ctx: RunContext, done: AbortSignal): Promise<void> {
  const { clock, startedAt, signal } = ctx.follow
  const stop = AbortSignal.any([done, signal])
  for (;;) {
    try {
      await clock.sleep(HEARTBEAT_MS, stop)
    } catch {
      return
    }
    ctx.log.info(`Fleet after ${formatDuration(clock.now() - startedAt)}: ${fleetStates(ctx.recorder.record)}.`)
  }
}

/** Pure: `8 Successful, 3 InProgress, 1 Queued, 1 failed`, most first. */
export function fleetStates(record: RunRecord): string {
  const counts = new Map<string, number>()
  for (const one of record.exports) {
    const state = one.failure ? 'failed' : (one.job?.state ?? 'starting')
    counts.set(state, (counts.get(state) ?? 0) + 1)
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([state, n]) => `${n} ${state}`)
    .join(', ')
}
