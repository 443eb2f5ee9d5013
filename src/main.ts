/**
 * One run of the action: read the inputs, connect, choose the snapshot, create the
 * export job, wait for it if asked, and leave outputs and a summary behind whatever
 * happens.
 */
import * as core from '@actions/core'
import type { AtlasClient } from './atlas/client.js'
import { AtlasError } from './atlas/errors.js'
import { connect } from './connect.js'
import { formatDuration } from './duration.js'
import { isTransient, failureSummary } from './atlas/retry.js'
import { findLatestSnapshot, getExportJob, startExport, type ClusterRef, type ExportJob } from './export-operations.js'
import { getInputs, type Inputs } from './inputs.js'
import { Outputs } from './outputs.js'
import { ProgressLog } from './progress.js'
import { writeSummary, type Failure, type RunReport } from './summary.js'
import { ExportJobFailedError, WaitTimeoutError, waitForJob } from './wait.js'

export async function run(): Promise<void> {
  const startedAt = Date.now()
  const outputs = new Outputs()
  const report: RunReport = { stage: 'inputs' }
  let client: AtlasClient | undefined
  try {
    const inputs = getInputs()
    report.inputs = inputs
    logSettings(inputs)

    report.stage = 'connect'
    client = connect(inputs, startedAt + inputs.waitTimeoutMs)
    const cluster: ClusterRef = { projectId: inputs.projectId, clusterName: inputs.clusterName }

    report.stage = 'snapshot'
    report.snapshot = await chooseSnapshot(client, cluster, inputs)
    outputs.snapshot(report.snapshot.id)

    report.stage = 'create'
    const started = await startExport(
      client,
      cluster,
      { snapshotId: report.snapshot.id, exportBucketId: inputs.exportBucketId, customData: inputs.customData },
      { info: core.info }
    )
    report.job = started.job
    report.origin = started.origin
    outputs.job(report.job)
    const verb = { created: 'Created', recovered: 'Created', resumed: 'Took over' }[started.origin]
    core.info(`${verb} export job ${report.job.id} (${report.job.state}) of snapshot ${report.snapshot.id} to bucket ${inputs.exportBucketId}.`)

    if (inputs.wait) {
      report.stage = 'wait'
      await waitUntilEnded(client, cluster, inputs, startedAt, report, outputs)
    }
    outputs.errorCode(undefined)
  } catch (error) {
    report.failure = describeFailure(error)
    fail(error, report.failure, outputs)
  } finally {
    await client?.close()
  }
  if (report.job) await core.group('Export job document', async () => core.info(JSON.stringify(report.job, null, 2)))
  await writeSummary(report)
}

function logSettings(inputs: Inputs): void {
  core.startGroup('Settings')
  core.info(`Atlas:        ${inputs.baseUrl}`)
  core.info(`Credential:   ${inputs.credentials.kind === 'digest' ? 'API key (HTTP Digest)' : 'service account (OAuth 2.0)'}`)
  core.info(`Project:      ${inputs.projectId}`)
  core.info(`Cluster:      ${inputs.clusterName}`)
  core.info(`Snapshot:     ${inputs.snapshot.kind === 'latest' ? 'latest' : inputs.snapshot.id}`)
  core.info(`Bucket:       ${inputs.exportBucketId}`)
  core.info(`Custom data:  ${inputs.customData.map(d => d.key).join(', ') || '(none)'}`)
  core.info(`Request time: at most ${formatDuration(inputs.requestTimeoutMs)} each, retried when safe`)
  core.info(`Wait:         ${inputs.wait ? `yes, polling every ${formatDuration(inputs.pollIntervalMs)}, at most ${formatDuration(inputs.waitTimeoutMs)}` : 'no'}`)
  core.endGroup()
}

async function chooseSnapshot(client: AtlasClient, cluster: ClusterRef, inputs: Inputs): Promise<NonNullable<RunReport['snapshot']>> {
  if (inputs.snapshot.kind === 'id') return { id: inputs.snapshot.id, latest: false }
  const latest = await findLatestSnapshot(client, cluster)
  if (!latest) {
    throw new Error(
      `Cluster ${cluster.clusterName} has no exportable snapshot (status completed, not a fallback snapshot): nothing to export.`
    )
  }
  core.info(`Latest exportable snapshot of ${cluster.clusterName}: ${latest.id} (created ${latest.createdAt}).`)
  return { id: latest.id, latest: true, createdAt: latest.createdAt }
}

async function waitUntilEnded(
  client: AtlasClient,
  cluster: ClusterRef,
  inputs: Inputs,
  startedAt: number,
  report: RunReport,
  outputs: Outputs
): Promise<void> {
  const created = report.job as ExportJob
  core.info(`Waiting for export job ${created.id}: a poll every ${formatDuration(inputs.pollIntervalMs)}, at most ${formatDuration(inputs.waitTimeoutMs)}.`)
  const progress = new ProgressLog(created, startedAt, core)
  const outcome = await waitForJob(created, () => getExportJob(client, cluster, created.id), {
    deadline: startedAt + inputs.waitTimeoutMs,
    intervalMs: inputs.pollIntervalMs,
    onPoll: job => {
      report.job = job
      outputs.job(job)
      progress.poll(job, Date.now())
    },
    isTransient,
    onPollError: error => core.info(`This poll failed (${failureSummary(error)}); the wait goes on.`)
  })
  if (outcome.kind === 'timed-out') throw new WaitTimeoutError(outcome.job, Date.now() - startedAt)
  if (!/^successful$/i.test(outcome.job.state)) throw new ExportJobFailedError(outcome.job)
  core.info(`Export job ${outcome.job.id} is ${outcome.job.state}; files under ${outcome.job.prefix || '(no prefix)'}.`)
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
