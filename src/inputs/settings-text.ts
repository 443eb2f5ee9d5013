/** The settings of a run as the log shows them first: what the run will do, in plain words. */
import { days, formatDuration } from './duration.js'
import type { Inputs } from './inputs.js'

/** Pure: one line per setting. */
export function settingsLines(inputs: Inputs): string[] {
  return [
    `Atlas:        ${inputs.baseUrl}`,
    `Credential:   ${inputs.credentials.kind === 'digest' ? 'API key (HTTP Digest)' : 'service account (OAuth 2.0)'}`,
    `Project:      ${inputs.projectId}`,
    `Cluster:      ${inputs.clusterName}`,
    ...(inputs.exportJobId ? [`Export job:   ${inputs.exportJobId} (followed, not created)`] : exportLines(inputs)),
    `Custom data:  ${inputs.customData.map(d => d.key).join(', ') || '(none)'}`,
    `Request time: at most ${formatDuration(inputs.requestTimeoutMs)} each, retried when safe`,
    `Wait:         ${inputs.wait ? `yes, polling every ${formatDuration(inputs.pollIntervalMs)}` : 'no'}; the run takes at most ${formatDuration(inputs.waitTimeoutMs)}`,
    ...(inputs.dryRun ? ['Dry run:      yes, nothing will be created'] : [])
  ]
}

function exportLines(inputs: Inputs): string[] {
  const { snapshot, bucket } = inputs
  const snapshotText =
    snapshot.kind === 'id'
      ? snapshot.id
      : snapshot.kind === 'new'
        ? `new (kept ${days(inputs.snapshotRetentionDays)})`
        : 'latest'
  const bucketText =
    bucket.kind === 'id' ? bucket.id : bucket.kind === 'name' ? `named '${bucket.name}'` : "(the job's)"
  const ifExported =
    inputs.ifExported === 'reuse'
      ? 'reuse an earlier Successful export of this snapshot to this bucket'
      : 'export again'
  return [`Snapshot:     ${snapshotText}`, `Bucket:       ${bucketText}`, `If exported:  ${ifExported}`]
}
