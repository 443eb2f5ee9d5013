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
import { Outputs } from './outputs.js'
import { onCancel } from './cancel.js'
import { chooseSnapshot, resolveBucket } from './resolve.js'
import { currentRun } from './run-context.js'
import { writeSummary, type Failure, type RunReport } from './summary.js'
import { ExportJobFailedError } from './wait.js'

export async function run(): Promise<void> {
  const startedAt = Date.now()
  const outputs = new Outputs()
  const report: RunReport = { stage: 'inputs', runUrl: currentRun().url }
  let client: AtlasClient | undefined
  const stopWatching = onCancel(async signal => {
    report.failure = { message: cancelledMessage(signal, report) }
    core.info(report.failure.message)
    await client?.close()
    await writeSummary(report)
  })
  try {
    const inputs = getInputs()
    report.inputs = inputs
    logSettings(inputs)
    // wait-timeout bounds the whole run: snapshot, create and wait, retries included.
    const follow = { deadline: startedAt + inputs.waitTimeoutMs, intervalMs: inputs.pollIntervalMs, startedAt }

    report.stage = 'connect'
    client = connect(inputs, follow.deadline)
    const cluster: ClusterRef = { projectId: inputs.projectId, clusterName: inputs.clusterName }

    report.stage = 'bucket'
    report.bucket = await resolveBucket(client, inputs)
    outputs.bucket(report.bucket.id)

    report.stage = 'snapshot'
    report.snapshot = await chooseSnapshot(client, cluster, inputs, report, follow, id => outputs.snapshot(id))
    if (report.snapshot.id) outputs.snapshot(report.snapshot.id)

    if (inputs.dryRun) {
      core.info(`Dry run: would export ${report.snapshot.id ? `snapshot ${report.snapshot.id}` : 'a new snapshot'} to bucket ${report.bucket.id}; nothing was created.`)
    } else {
      report.stage = 'create'
      const exportRequest = { snapshotId: report.snapshot.id as string, exportBucketId: report.bucket.id, customData: inputs.customData }
      const started = await startExport(client, cluster, exportRequest, { info: core.info })
      report.job = started.job
      report.origin = started.origin
      outputs.job(started.job)
      const verb = started.origin === 'resumed' ? 'Took over' : 'Created'
      core.info(`${verb} export job ${started.job.id} (${started.job.state}) of snapshot ${exportRequest.snapshotId} to bucket ${exportRequest.exportBucketId}.`)

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
    report.failure = describeFailure(error)
    fail(error, report.failure, outputs)
  } finally {
    stopWatching()
    await client?.close()
  }
  if (report.job) await core.group('Export job document', async () => core.info(JSON.stringify(report.job, null, 2)))
  await writeSummary(report)
}

function logSettings(inputs: Inputs): void {
  const snapshot = inputs.snapshot.kind === 'id' ? inputs.snapshot.id : inputs.snapshot.kind
  core.startGroup('Settings')
  core.info(`Atlas:        ${inputs.baseUrl}`)
  core.info(`Credential:   ${inputs.credentials.kind === 'digest' ? 'API key (HTTP Digest)' : 'service account (OAuth 2.0)'}`)
  core.info(`Project:      ${inputs.projectId}`)
  core.info(`Cluster:      ${inputs.clusterName}`)
  core.info(`Snapshot:     ${snapshot}${inputs.snapshot.kind === 'new' ? ` (kept ${inputs.snapshotRetentionDays} days)` : ''}`)
  core.info(`Bucket:       ${inputs.bucket.kind === 'id' ? inputs.bucket.id : `named '${inputs.bucket.name}'`}`)
  core.info(`Custom data:  ${inputs.customData.map(d => d.key).join(', ') || '(none)'}`)
  core.info(`Request time: at most ${formatDuration(inputs.requestTimeoutMs)} each, retried when safe`)
  core.info(`Wait:         ${inputs.wait ? `yes, polling every ${formatDuration(inputs.pollIntervalMs)}` : 'no'}; the run takes at most ${formatDuration(inputs.waitTimeoutMs)}`)
  if (inputs.dryRun) core.info('Dry run:      yes, nothing will be created')
  core.endGroup()
}

function cancelledMessage(signal: string, report: RunReport): string {
  const job = report.job
  return job
    ? `The run was cancelled (${signal}). Export job ${job.id} (${job.state}) goes on in Atlas; a re-run takes it over.`
    : `The run was cancelled (${signal}) before an export job was created.`
}

/** One annotation with a title, the hint on its own line, no stack trace (that goes to debug). */
function fail(error: unknown, failure: Failure, outputs: Outputs): void {
  outputs.errorCode(failure.errorCode)
  if (error instanceof Error && error.stack) core.debug(error.stack)
  core.error(failure.hint ? `${failure.message}\n${failure.hint}` : failure.message, { title: 'Atlas export failed' })
  process.exitCode = core.ExitCode.Failure
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof AtlasError) return { message: error.message, errorCode: error.errorCode, hint: error.hint }
  if (error instanceof ExportJobFailedError) return { message: error.message, errorCode: error.errorCode }
  if (error instanceof Error) return { message: error.message }
  return { message: String(error) }
}
