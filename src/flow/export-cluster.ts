/**
 * One cluster's export, as the record tells it: the job given by `export-job-id`, or the
 * snapshot chosen (taken now for `new`), the look at the cluster's export jobs, and the
 * job reused, taken over or created; then waited for when asked. Each step runs in its
 * stage; a failure that concerns only this cluster ends in its own record.
 */
import type { AtlasClient } from '../atlas/client.js'
import type { ClusterRef } from '../backup/api.js'
import {
  createExport,
  decideExport,
  failIfEndedWithoutExport,
  getExportJob,
  jobsInUnknownStates,
  listExportJobs,
  type Decision,
  type ExportRequest,
  type StartedExport
} from '../backup/export-jobs.js'
import { days } from '../inputs/duration.js'
import { InputError, type Inputs } from '../inputs/inputs.js'
import type { Log } from '../runner/log.js'
import type { WorkflowRun } from '../runner/workflow-run.js'
import { describeFailure, inStage, stackOf } from '../report/failure.js'
import { concernsEveryExport, type BucketInfo, type ExportRecord, type Recorder, type Stage } from '../report/record.js'
import { readBucket } from './bucket-choice.js'
import { followExportJob, type FollowOptions } from './follow.js'
import { chooseSnapshot, takeOnDemandSnapshot, type TakenSnapshot } from './snapshot-choice.js'

/** What the steps of a run share. */
export interface RunContext {
  readonly client: AtlasClient
  readonly inputs: Inputs
  readonly recorder: Recorder
  readonly follow: FollowOptions
  readonly workflowRun: WorkflowRun
  readonly log: Log
}

/** What a cluster's export is: a job started earlier (`export-job-id`), or a snapshot to export to the bucket. */
export type ExportTarget =
  { readonly kind: 'job'; readonly jobId: string } | { readonly kind: 'snapshot'; readonly bucket: BucketInfo }

/**
 * Exports one cluster. A failure of this cluster alone is recorded in its export
 * record; one that concerns every cluster, and a cancel, are thrown.
 */
export async function exportCluster(ctx: RunContext, clusterName: string, target: ExportTarget): Promise<void> {
  const cluster: ClusterRef = { projectId: ctx.inputs.projectId, clusterName }
  const at = (stage: Stage): void => ctx.recorder.export(clusterName, record => void (record.stage = stage))
  try {
    const started =
      target.kind === 'job'
        ? await followGivenJob(ctx, cluster, target.jobId, at)
        : await exportSnapshot(ctx, cluster, target.bucket, at)
    if (!started) return
    // One rule on every path: a job that ended Failed or Cancelled fails the step.
    failIfEndedWithoutExport(started.job, started.origin === 'followed')
    if (ctx.inputs.wait) {
      await inStage('wait', at, () =>
        followExportJob(ctx.client, cluster, started.job, ctx.follow, job =>
          ctx.recorder.export(clusterName, r => void (r.job = job))
        )
      )
    }
  } catch (error) {
    const failure = describeFailure(error)
    if (ctx.follow.signal.aborted || concernsEveryExport(failure.stage)) throw error
    const stack = stackOf(error)
    if (stack) ctx.log.debug(stack)
    ctx.recorder.export(clusterName, record => void (record.failure = failure))
  }
}

/** `export-job-id`: the job, then its bucket (for where it lands); nothing chosen or created. */
async function followGivenJob(
  ctx: RunContext,
  cluster: ClusterRef,
  jobId: string,
  at: (stage: Stage) => void
): Promise<StartedExport> {
  const { client, inputs, recorder, log } = ctx
  const job = await inStage('read-job', at, async () => {
    const job = await getExportJob(client, cluster, jobId)
    if (inputs.bucket.kind === 'id' && inputs.bucket.id !== job.exportBucketId) {
      throw new InputError(
        `Input 'export-bucket-id' is ${inputs.bucket.id}, but export job ${job.id} exports to bucket ${job.exportBucketId}: drop export-bucket-id, or give the right job.`
      )
    }
    return job
  })
  recorder.export(cluster.clusterName, record => {
    record.snapshot = { id: job.snapshotId, origin: 'of-job' }
    record.job = job
    record.origin = 'followed'
  })
  log.info(
    `Following export job ${job.id} (${job.state}) of snapshot ${job.snapshotId} to bucket ${job.exportBucketId}.`
  )
  const bucket = await inStage('bucket', at, () => readBucket(client, inputs.projectId, job.exportBucketId, log))
  recorder.run(record => void (record.bucket = bucket))
  return { job, origin: 'followed' }
}

/**
 * The snapshot, the look at the cluster's export jobs, then the export: reused, taken
 * over or created. A dry run stops after the look, saying what a real run would do.
 */
async function exportSnapshot(
  ctx: RunContext,
  cluster: ClusterRef,
  bucket: BucketInfo,
  at: (stage: Stage) => void
): Promise<StartedExport | undefined> {
  const { client, inputs, log } = ctx
  const record = (change: (record: ExportRecord) => void): void => ctx.recorder.export(cluster.clusterName, change)
  const requestOf = (snapshotId: string): ExportRequest => ({
    snapshotId,
    exportBucketId: bucket.id,
    customData: inputs.customData
  })
  const chosen = await inStage('snapshot', at, () =>
    chooseSnapshot(client, cluster, inputs.snapshot, inputs.dryRun, log)
  )
  record(r => void (r.snapshot = chosen))
  // A dry run of `new` takes nothing: its snapshot has no earlier export, but the list is
  // read all the same (the role every run needs).
  const snapshotId = chosen.id ?? (inputs.dryRun ? undefined : (await takeSnapshot(ctx, cluster, at)).id)
  const request = snapshotId === undefined ? undefined : requestOf(snapshotId)
  const jobs = await inStage('look', at, () => listExportJobs(client, cluster))
  for (const job of request ? jobsInUnknownStates(jobs, request) : []) {
    log.warning(
      `Export job ${job.id} of this snapshot to this bucket is ${job.state}, a state this action does not know: it is neither taken over nor reused.`
    )
  }
  const plan: Decision = request ? decideExport(jobs, request, inputs.ifExported) : { kind: 'create' }
  if (inputs.dryRun || !request) {
    record(r => void (r.plan = plan))
    const sentence = planSentence(plan, snapshotId, bucket.id, inputs.snapshotRetentionDays)
    log.info(`Dry run: a real run would ${sentence}; nothing was created.`)
    return undefined
  }
  const known = new Set(jobs.map(job => job.id))
  const started = await inStage('create', at, () => carryOut(plan, () => createExport(client, cluster, request, known)))
  record(r => {
    r.job = started.job
    r.origin = started.origin
  })
  log.info(startedLine(started, request))
  return started
}

/** `snapshot-id: new`: the record names the snapshot as soon as Atlas has it, and again once it is completed. */
async function takeSnapshot(ctx: RunContext, cluster: ClusterRef, at: (stage: Stage) => void): Promise<TakenSnapshot> {
  const { inputs, client, follow, workflowRun } = ctx
  const record = (snapshot: TakenSnapshot): void =>
    ctx.recorder.export(cluster.clusterName, r => void (r.snapshot = snapshot))
  const taken = await inStage('take-snapshot', at, () =>
    takeOnDemandSnapshot(client, cluster, workflowRun, inputs.snapshotRetentionDays, follow, record)
  )
  record(taken)
  return taken
}

async function carryOut(plan: Decision, create: () => Promise<StartedExport>): Promise<StartedExport> {
  if (plan.kind === 'take-over') return { job: plan.job, origin: 'taken-over' }
  if (plan.kind === 'reuse') return { job: plan.job, origin: 'reused' }
  return create()
}

/** Pure: what a real run would do, for the dry run's log line. */
function planSentence(plan: Decision, snapshotId: string | undefined, bucketId: string, retentionDays: number): string {
  if (plan.kind === 'take-over') return `take over export job ${plan.job.id} (${plan.job.state})`
  if (plan.kind === 'reuse') {
    return `reuse export job ${plan.job.id} (${plan.job.state}${plan.job.finishedAt ? `, finished ${plan.job.finishedAt}` : ''})`
  }
  return snapshotId
    ? `create an export job of snapshot ${snapshotId} to bucket ${bucketId}`
    : `take an on-demand snapshot (kept ${days(retentionDays)}) and create an export job of it to bucket ${bucketId}`
}

/** Pure: the one log line of how the run came to its job. */
function startedLine({ job, origin }: StartedExport, request: ExportRequest): string {
  switch (origin) {
    case 'reused':
      return `Snapshot ${request.snapshotId} was already exported to this bucket by job ${job.id} (Successful${job.finishedAt ? `, finished ${job.finishedAt}` : ''}): reusing it, creating nothing (if-exported: reuse).`
    case 'taken-over':
      return `Took over export job ${job.id}: an export of snapshot ${request.snapshotId} to this bucket was already ${job.state}; no other was created.`
    default:
      return `Created export job ${job.id} (${job.state}) of snapshot ${request.snapshotId} to bucket ${request.exportBucketId}.`
  }
}
