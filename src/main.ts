/**
 * One run of the action: read the inputs, connect, choose the snapshot, create the
 * export job, wait for it if asked, and leave outputs behind whatever happens.
 */
import * as core from '@actions/core'
import type { AtlasClient } from './atlas/client.js'
import { AtlasError } from './atlas/errors.js'
import { connect } from './connect.js'
import { formatDuration } from './duration.js'
import { createExportJob, findLatestSnapshot, getExportJob, type ClusterRef, type ExportJob } from './export-operations.js'
import { getInputs, type Inputs } from './inputs.js'
import { Outputs } from './outputs.js'
import { ExportJobFailedError, WaitTimeoutError, waitForJob } from './wait.js'

export async function run(): Promise<void> {
  const startedAt = Date.now()
  const outputs = new Outputs()
  let client: AtlasClient | undefined
  try {
    const inputs = getInputs()
    client = connect(inputs)
    const cluster: ClusterRef = { projectId: inputs.projectId, clusterName: inputs.clusterName }

    const snapshotId = await chooseSnapshot(client, cluster, inputs)
    outputs.snapshot(snapshotId)

    let job = await createExportJob(client, cluster, {
      snapshotId,
      exportBucketId: inputs.exportBucketId,
      customData: inputs.customData
    })
    outputs.job(job)
    core.info(`Created export job ${job.id} (${job.state}) of snapshot ${snapshotId} to bucket ${inputs.exportBucketId}.`)

    if (inputs.wait) job = await waitUntilEnded(client, cluster, job, inputs, startedAt, outputs)
    outputs.errorCode(undefined)
  } catch (error) {
    fail(error, outputs)
  } finally {
    await client?.close()
  }
}

async function chooseSnapshot(client: AtlasClient, cluster: ClusterRef, inputs: Inputs): Promise<string> {
  if (inputs.snapshot.kind === 'id') return inputs.snapshot.id
  const latest = await findLatestSnapshot(client, cluster)
  if (!latest) {
    throw new Error(
      `Cluster ${cluster.clusterName} has no exportable snapshot (status completed, not a fallback snapshot): nothing to export.`
    )
  }
  core.info(`Latest exportable snapshot of ${cluster.clusterName}: ${latest.id} (created ${latest.createdAt}).`)
  return latest.id
}

async function waitUntilEnded(
  client: AtlasClient,
  cluster: ClusterRef,
  created: ExportJob,
  inputs: Inputs,
  startedAt: number,
  outputs: Outputs
): Promise<ExportJob> {
  core.info(`Waiting for export job ${created.id}: a poll every ${formatDuration(inputs.pollIntervalMs)}, at most ${formatDuration(inputs.waitTimeoutMs)}.`)
  let lastState = created.state
  const outcome = await waitForJob(created, () => getExportJob(client, cluster, created.id), {
    deadline: startedAt + inputs.waitTimeoutMs,
    intervalMs: inputs.pollIntervalMs,
    onPoll: job => {
      outputs.job(job)
      if (job.state !== lastState) {
        core.info(`Export job ${job.id}: ${lastState} → ${job.state} after ${formatDuration(Date.now() - startedAt)}.`)
        lastState = job.state
      }
    }
  })
  if (outcome.kind === 'timed-out') throw new WaitTimeoutError(outcome.job, Date.now() - startedAt)
  if (outcome.job.state.toLowerCase() !== 'successful') throw new ExportJobFailedError(outcome.job)
  core.info(`Export job ${outcome.job.id} is Successful; files under ${outcome.job.prefix ?? '(no prefix)'}.`)
  return outcome.job
}

/** One annotation with a title, the hint on its own line, no stack trace (that goes to debug). */
function fail(error: unknown, outputs: Outputs): void {
  const { message, errorCode } = describeFailure(error)
  outputs.errorCode(errorCode)
  if (error instanceof Error && error.stack) core.debug(error.stack)
  core.error(message, { title: 'Atlas export failed' })
  process.exitCode = core.ExitCode.Failure
}

export function describeFailure(error: unknown): { message: string; errorCode: string | undefined } {
  if (error instanceof AtlasError) {
    return { message: error.hint ? `${error.message}\n${error.hint}` : error.message, errorCode: error.errorCode }
  }
  if (error instanceof ExportJobFailedError) return { message: error.message, errorCode: error.errorCode }
  if (error instanceof Error) return { message: error.message, errorCode: undefined }
  return { message: String(error), errorCode: undefined }
}
