/**
 * One run of the action: read the inputs, connect, find the bucket and the snapshot,
 * create the export job, wait for it if asked, and leave outputs and a summary behind
 * whatever happens. main.ts alone records what happened (the run report); the steps
 * it calls only answer.
 */
import type { AtlasClient } from './atlas/client.js'
import { AtlasError, isSignInFailure } from './atlas/errors.js'
import type { ClusterRef } from './backup/cluster.js'
import { getExportJob, startExport, type StartedExport } from './backup/export-jobs.js'
import { connect } from './connect.js'
import { days, formatDuration } from './duration.js'
import { ExportJobFailedError, followExportJob, WaitTimeoutError, type FollowOptions } from './follow.js'
import { getInputs, type Inputs } from './inputs.js'
import type { Log } from './log.js'
import { Outputs } from './outputs.js'
import { chooseSnapshot, readBucket, resolveBucket } from './resolve.js'
import { currentRun, snapshotDescription, type RunInfo } from './run-context.js'
import { actionsRunner, type Runner } from './runner.js'
import { FAILED, renderSummary, STILL_RUNNING, type Failure, type RunReport } from './summary.js'
import { takeOnDemandSnapshot } from './take-snapshot.js'

export async function run(runner: Runner = actionsRunner()): Promise<void> {
  const { log, clock } = runner
  const startedAt = clock.now()
  const outputs = new Outputs((name, value) => runner.setOutput(name, value))
  const workflowRun = currentRun(runner.env)
  const report: RunReport = { stage: 'inputs' }
  const cancel = new AbortController()
  let client: AtlasClient | undefined
  // A cancelled run: the summary first (it is what the user sees), then the token
  // back, within the runner's grace; the flow below stops at its next step.
  const stopWatching = runner.onCancel(async signal => {
    cancel.abort()
    report.failure = { title: FAILED, message: cancelledMessage(signal, report) }
    log.info(report.failure.message)
    await writeSummary(runner, report)
    await client?.close()
  })
  try {
    const inputs = getInputs(runner)
    report.inputs = inputs
    await logSettings(inputs, log)
    // wait-timeout bounds the whole run: snapshot, create and wait, retries included.
    const follow: FollowOptions = {
      deadline: startedAt + inputs.waitTimeoutMs,
      intervalMs: inputs.pollIntervalMs,
      startedAt,
      log,
      clock,
      signal: cancel.signal
    }

    report.stage = 'connect'
    client = connect(inputs, { deadline: follow.deadline, log, clock, env: runner.env, mask: runner.mask, signal: cancel.signal })
    const cluster: ClusterRef = { projectId: inputs.projectId, clusterName: inputs.clusterName }

    const step: Step = { client, cluster, inputs, report, outputs, follow, log }
    if (inputs.exportJobId) await followGivenJob(step, inputs.exportJobId)
    else await exportSnapshot(step, workflowRun)

    if (inputs.wait && report.job) {
      report.stage = 'wait'
      await followExportJob(client, cluster, report.job, follow, job => {
        report.job = job
        outputs.job(job)
      })
    }
    outputs.errorCode(undefined)
  } catch (error) {
    // After a cancel the handler above reports; what the flow throws then is its echo.
    if (!cancel.signal.aborted) {
      report.failure = describeFailure(error)
      // A refused credential or address fails the sign-in, whatever the run was about to do.
      if (isSignInFailure(error)) report.stage = 'sign-in'
      fail(runner, error, report.failure, outputs)
    }
  } finally {
    stopWatching()
    if (!cancel.signal.aborted) await client?.close()
  }
  if (cancel.signal.aborted) return
  const job = report.job
  if (job)
    await log.group('Export job document', async () =>
      JSON.stringify(job, null, 2)
        .split('\n')
        .forEach(line => log.info(line))
    )
  await writeSummary(runner, report)
}

/** What the steps of a run share: main.ts's own report and outputs among them. */
interface Step {
  readonly client: AtlasClient
  readonly cluster: ClusterRef
  readonly inputs: Inputs
  readonly report: RunReport
  readonly outputs: Outputs
  readonly follow: FollowOptions
  readonly log: Log
}

/** `export-job-id`: the job, then its bucket (for where it lands); nothing chosen or created. */
async function followGivenJob({ client, cluster, inputs, report, outputs, log }: Step, jobId: string): Promise<void> {
  report.stage = 'read-job'
  const job = await getExportJob(client, cluster, jobId)
  if (inputs.bucket.kind === 'id' && inputs.bucket.id !== job.exportBucketId) {
    throw new Error(
      `Input 'export-bucket-id' is ${inputs.bucket.id}, but export job ${job.id} exports to bucket ${job.exportBucketId}: drop export-bucket-id, or give the right job.`
    )
  }
  report.snapshot = { id: job.snapshotId, origin: 'of-job' }
  startedWith(report, outputs, { job, origin: 'followed' })
  log.info(`Following export job ${job.id} (${job.state}) of snapshot ${job.snapshotId} to bucket ${job.exportBucketId}.`)
  report.stage = 'bucket'
  report.bucket = await readBucket(client, inputs.projectId, job.exportBucketId, log)
  outputs.bucket(report.bucket)
}

/** The bucket, the snapshot (taken now for `new`), then the export: looked for, reused, taken over or created. */
async function exportSnapshot({ client, cluster, inputs, report, outputs, follow, log }: Step, workflowRun: RunInfo): Promise<void> {
  report.stage = 'bucket'
  const bucket = await resolveBucket(client, inputs, log)
  report.bucket = bucket
  outputs.bucket(bucket)

  report.stage = 'snapshot'
  let snapshot = await chooseSnapshot(client, cluster, inputs, log)
  report.snapshot = snapshot
  if (inputs.snapshot.kind === 'new' && !inputs.dryRun) {
    report.stage = 'take-snapshot'
    const onDemand = { description: snapshotDescription(workflowRun), retentionDays: inputs.snapshotRetentionDays }
    snapshot = await takeOnDemandSnapshot(client, cluster, onDemand, follow, taken => {
      report.snapshot = taken
      if (taken.id) outputs.snapshot(taken.id)
    })
    report.snapshot = snapshot
  }
  if (snapshot.id) outputs.snapshot(snapshot.id)

  if (inputs.dryRun) {
    log.info(`Dry run: would export ${snapshot.id ? `snapshot ${snapshot.id}` : 'a new snapshot'} to bucket ${bucket.id}; nothing was created.`)
    return
  }
  report.stage = 'create'
  const request = { snapshotId: snapshot.id as string, exportBucketId: bucket.id, customData: inputs.customData }
  const started = startedWith(report, outputs, await startExport(client, cluster, request, { log, ifExported: inputs.ifExported }))
  if (started.origin !== 'reused') {
    const verb = started.origin === 'taken-over' ? 'Took over' : 'Created'
    log.info(`${verb} export job ${started.job.id} (${started.job.state}) of snapshot ${request.snapshotId} to bucket ${request.exportBucketId}.`)
  }
}

/** The run has its job: in the report and the outputs at once, so a failure after it still names it. */
function startedWith(report: RunReport, outputs: Outputs, started: StartedExport): StartedExport {
  report.job = started.job
  report.origin = started.origin
  outputs.job(started.job)
  return started
}

async function logSettings(inputs: Inputs, log: Log): Promise<void> {
  const snapshot = inputs.snapshot.kind === 'id' ? inputs.snapshot.id : inputs.snapshot.kind
  const lines = [
    `Atlas:        ${inputs.baseUrl}`,
    `Credential:   ${inputs.credentials.kind === 'digest' ? 'API key (HTTP Digest)' : 'service account (OAuth 2.0)'}`,
    `Project:      ${inputs.projectId}`,
    `Cluster:      ${inputs.clusterName}`,
    ...(inputs.exportJobId
      ? [`Export job:   ${inputs.exportJobId} (followed, not created)`]
      : [
          `Snapshot:     ${snapshot}${inputs.snapshot.kind === 'new' ? ` (kept ${days(inputs.snapshotRetentionDays)})` : ''}`,
          `Bucket:       ${inputs.bucket.kind === 'id' ? inputs.bucket.id : inputs.bucket.kind === 'name' ? `named '${inputs.bucket.name}'` : "(the job's)"}`,
          `If exported:  ${inputs.ifExported === 'reuse' ? 'reuse an earlier Successful export of this snapshot to this bucket' : 'export again'}`
        ]),
    `Custom data:  ${inputs.customData.map(d => d.key).join(', ') || '(none)'}`,
    `Request time: at most ${formatDuration(inputs.requestTimeoutMs)} each, retried when safe`,
    `Wait:         ${inputs.wait ? `yes, polling every ${formatDuration(inputs.pollIntervalMs)}` : 'no'}; the run takes at most ${formatDuration(inputs.waitTimeoutMs)}`,
    ...(inputs.dryRun ? ['Dry run:      yes, nothing will be created'] : [])
  ]
  await log.group('Settings', async () => lines.forEach(line => log.info(line)))
}

function cancelledMessage(signal: string, report: RunReport): string {
  const job = report.job
  return job
    ? `The run was cancelled (${signal}). Export job ${job.id} (${job.state}) goes on in Atlas; a re-run takes it over.`
    : `The run was cancelled (${signal}) before an export job was created.`
}

/** One annotation with a title, the hint on its own line, no stack trace (that goes to debug). */
function fail(runner: Runner, error: unknown, failure: Failure, outputs: Outputs): void {
  try {
    outputs.errorCode(failure.errorCode)
  } catch (outputError) {
    // The outputs may be what failed (an unwritable GITHUB_OUTPUT): one annotation still.
    runner.log.debug(`error-code output not written: ${(outputError as Error).message}`)
  }
  if (error instanceof Error && error.stack) runner.log.debug(error.stack)
  runner.fail(failure.hint ? `${failure.message}\n${failure.hint}` : failure.message, failure.title)
}

/** Outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write it, which is fine. */
async function writeSummary(runner: Runner, report: RunReport): Promise<void> {
  try {
    await runner.appendSummary(renderSummary(report))
  } catch (error) {
    runner.log.debug(`No job summary written: ${(error as Error).message}`)
  }
}

function describeFailure(error: unknown): Failure {
  if (error instanceof AtlasError) return { title: FAILED, message: error.message, errorCode: error.errorCode, hint: error.hint }
  if (error instanceof ExportJobFailedError) return { title: FAILED, message: error.message, errorCode: error.errorCode }
  if (error instanceof WaitTimeoutError && error.runningJob) return { title: STILL_RUNNING, message: error.message }
  if (error instanceof Error) return { title: FAILED, message: error.message }
  return { title: FAILED, message: String(error) }
}
