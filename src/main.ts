/**
 * One run of the action: read the inputs, connect, find the bucket and the snapshot,
 * create the export job, wait for it if asked, and leave outputs and a summary behind
 * whatever happens.
 */
import * as core from '@actions/core'
import type { AtlasClient } from './atlas/client.js'
import { AtlasError } from './atlas/errors.js'
import type { ClusterRef } from './cluster.js'
import { connect } from './connect.js'
import { formatDuration } from './duration.js'
import { startExport } from './export-jobs.js'
import { followExportJob } from './follow.js'
import { getInputs, type Inputs } from './inputs.js'
import { coreLog, type Log } from './log.js'
import { Outputs } from './outputs.js'
import { onCancel } from './cancel.js'
import { chooseSnapshot, resolveBucket } from './resolve.js'
import { currentRun } from './run-context.js'
import { writeSummary, type Failure, type RunReport } from './summary.js'
import { ExportJobFailedError } from './wait.js'

export async function run(): Promise<void> {
  const log = coreLog
  const startedAt = Date.now()
  const outputs = new Outputs()
  const report: RunReport = { stage: 'inputs', runUrl: currentRun().url }
  const cancel = new AbortController()
  let client: AtlasClient | undefined
  // A cancelled run: the summary first (it is what the user sees), then the token
  // back, within the runner's grace; the flow below stops at its next step.
  const stopWatching = onCancel(async signal => {
    cancel.abort()
    report.failure = { message: cancelledMessage(signal, report) }
    log.info(report.failure.message)
    await writeSummary(report)
    await client?.close()
  })
  try {
    const inputs = getInputs()
    report.inputs = inputs
    logSettings(inputs, log)
    // wait-timeout bounds the whole run: snapshot, create and wait, retries included.
    const follow = { deadline: startedAt + inputs.waitTimeoutMs, intervalMs: inputs.pollIntervalMs, startedAt, log, signal: cancel.signal }

    report.stage = 'connect'
    client = connect(inputs, { deadline: follow.deadline, log, signal: cancel.signal })
    const cluster: ClusterRef = { projectId: inputs.projectId, clusterName: inputs.clusterName }

    report.stage = 'bucket'
    report.bucket = await resolveBucket(client, inputs, log)
    outputs.bucket(report.bucket.id)

    report.stage = 'snapshot'
    report.snapshot = await chooseSnapshot(client, cluster, inputs, report, follow, id => outputs.snapshot(id))
    if (report.snapshot.id) outputs.snapshot(report.snapshot.id)

    if (inputs.dryRun) {
      log.info(`Dry run: would export ${report.snapshot.id ? `snapshot ${report.snapshot.id}` : 'a new snapshot'} to bucket ${report.bucket.id}; nothing was created.`)
    } else {
      report.stage = 'create'
      const exportRequest = { snapshotId: report.snapshot.id as string, exportBucketId: report.bucket.id, customData: inputs.customData }
      const started = await startExport(client, cluster, exportRequest, { log })
      report.job = started.job
      report.origin = started.origin
      outputs.job(started.job)
      const verb = started.origin === 'resumed' ? 'Took over' : 'Created'
      log.info(`${verb} export job ${started.job.id} (${started.job.state}) of snapshot ${exportRequest.snapshotId} to bucket ${exportRequest.exportBucketId}.`)

      if (inputs.wait) {
        report.stage = 'wait'
        await followExportJob(client, cluster, started.job, follow, job => {
          report.job = job
          outputs.job(job)
        })
      }
    }
    outputs.errorCode(undefined)
  } catch (error) {
    // After a cancel the handler above reports; what the flow throws then is its echo.
    if (!cancel.signal.aborted) {
      report.failure = describeFailure(error)
      fail(error, report.failure, outputs, log)
    }
  } finally {
    stopWatching()
    if (!cancel.signal.aborted) await client?.close()
  }
  if (cancel.signal.aborted) return
  const job = report.job
  if (job) await log.group('Export job document', async () => JSON.stringify(job, null, 2).split('\n').forEach(line => log.info(line)))
  await writeSummary(report)
}

function logSettings(inputs: Inputs, log: Log): void {
  const snapshot = inputs.snapshot.kind === 'id' ? inputs.snapshot.id : inputs.snapshot.kind
  core.startGroup('Settings')
  log.info(`Atlas:        ${inputs.baseUrl}`)
  log.info(`Credential:   ${inputs.credentials.kind === 'digest' ? 'API key (HTTP Digest)' : 'service account (OAuth 2.0)'}`)
  log.info(`Project:      ${inputs.projectId}`)
  log.info(`Cluster:      ${inputs.clusterName}`)
  log.info(`Snapshot:     ${snapshot}${inputs.snapshot.kind === 'new' ? ` (kept ${inputs.snapshotRetentionDays} days)` : ''}`)
  log.info(`Bucket:       ${inputs.bucket.kind === 'id' ? inputs.bucket.id : `named '${inputs.bucket.name}'`}`)
  log.info(`Custom data:  ${inputs.customData.map(d => d.key).join(', ') || '(none)'}`)
  log.info(`Request time: at most ${formatDuration(inputs.requestTimeoutMs)} each, retried when safe`)
  log.info(`Wait:         ${inputs.wait ? `yes, polling every ${formatDuration(inputs.pollIntervalMs)}` : 'no'}; the run takes at most ${formatDuration(inputs.waitTimeoutMs)}`)
  if (inputs.dryRun) log.info('Dry run:      yes, nothing will be created')
  core.endGroup()
}

function cancelledMessage(signal: string, report: RunReport): string {
  const job = report.job
  return job
    ? `The run was cancelled (${signal}). Export job ${job.id} (${job.state}) goes on in Atlas; a re-run takes it over.`
    : `The run was cancelled (${signal}) before an export job was created.`
}

/** One annotation with a title, the hint on its own line, no stack trace (that goes to debug). */
function fail(error: unknown, failure: Failure, outputs: Outputs, log: Log): void {
  try {
    outputs.errorCode(failure.errorCode)
  } catch (outputError) {
    // The outputs may be what failed (an unwritable GITHUB_OUTPUT): one annotation still.
    log.debug(`error-code output not written: ${(outputError as Error).message}`)
  }
  if (error instanceof Error && error.stack) log.debug(error.stack)
  // core.error escapes the message: text from Atlas in it cannot start a workflow command.
  core.error(failure.hint ? `${failure.message}\n${failure.hint}` : failure.message, { title: 'Atlas export failed' })
  process.exitCode = core.ExitCode.Failure
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof AtlasError) return { message: error.message, errorCode: error.errorCode, hint: error.hint }
  if (error instanceof ExportJobFailedError) return { message: error.message, errorCode: error.errorCode }
  if (error instanceof Error) return { message: error.message }
  return { message: String(error) }
}
