/**
 * What to export, and where to: the Export Bucket (by id or by name) and the snapshot
 * (given, `latest`, or `new`: taken now and waited for). A dry run checks both exist
 * and creates nothing. Each costs no request it does not need.
 */
import type { AtlasClient } from './atlas/client.js'
import type { ClusterRef } from './cluster.js'
import { findExportBucketByName, getExportBucket } from './export-buckets.js'
import { followSnapshot, type FollowOptions } from './follow.js'
import type { Inputs } from './inputs.js'
import type { Log } from './log.js'
import type { RunReport } from './summary.js'
import { snapshotDescription, currentRun } from './run-context.js'
import { findLatestSnapshot, getSnapshot, takeSnapshotOnce, whyNotExportable } from './snapshots.js'

export async function resolveBucket(client: AtlasClient, inputs: Inputs, log: Pick<Log, 'info'>): Promise<NonNullable<RunReport['bucket']>> {
  if (inputs.bucket.kind === 'name') {
    const bucket = await findExportBucketByName(client, inputs.projectId, inputs.bucket.name)
    log.info(`Export Bucket '${bucket.bucketName}' is ${bucket._id} (${bucket.cloudProvider ?? 'unknown cloud'}).`)
    return { id: bucket._id, name: bucket.bucketName }
  }
  // Creating the export checks the bucket anyway; only a dry run asks for it on its own.
  if (!inputs.dryRun) return { id: inputs.bucket.id }
  const bucket = await getExportBucket(client, inputs.projectId, inputs.bucket.id)
  log.info(`Export Bucket ${bucket._id} exists: '${bucket.bucketName}' (${bucket.cloudProvider ?? 'unknown cloud'}).`)
  return { id: bucket._id, name: bucket.bucketName }
}

export async function chooseSnapshot(
  client: AtlasClient,
  cluster: ClusterRef,
  inputs: Inputs,
  report: RunReport,
  follow: FollowOptions,
  onSnapshotId: (id: string) => void
): Promise<NonNullable<RunReport['snapshot']>> {
  const choice = inputs.snapshot
  const { log } = follow
  if (choice.kind === 'id') {
    if (!inputs.dryRun) return { id: choice.id, origin: 'given' }
    const snapshot = await getSnapshot(client, cluster, choice.id)
    const why = whyNotExportable(snapshot)
    if (why) throw new Error(`Snapshot ${snapshot.id} of ${cluster.clusterName} cannot be exported: ${why}.`)
    log.info(`Snapshot ${snapshot.id} exists and is completed (taken ${snapshot.createdAt}).`)
    return { id: snapshot.id, origin: 'given', createdAt: snapshot.createdAt }
  }
  if (choice.kind === 'latest') {
    const latest = await findLatestSnapshot(client, cluster)
    if (!latest) {
      throw new Error(`Cluster ${cluster.clusterName} has no exportable snapshot (status completed, not a fallback snapshot): nothing to export.`)
    }
    log.info(`Latest exportable snapshot of ${cluster.clusterName}: ${latest.id} (created ${latest.createdAt}).`)
    return { id: latest.id, origin: 'latest', createdAt: latest.createdAt }
  }
  if (inputs.dryRun) {
    log.info(`Dry run: an on-demand snapshot of ${cluster.clusterName} would be taken (kept ${inputs.snapshotRetentionDays} days).`)
    return { origin: 'new' }
  }
  report.stage = 'take-snapshot'
  const request = { description: snapshotDescription(currentRun()), retentionInDays: inputs.snapshotRetentionDays }
  const taken = await takeSnapshotOnce(client, cluster, request)
  report.snapshot = { id: taken.id, origin: 'new' }
  onSnapshotId(taken.id)
  log.info(`Taking on-demand snapshot ${taken.id} of ${cluster.clusterName} (${taken.status}, kept ${inputs.snapshotRetentionDays} days); waiting until it is completed.`)
  const snapshot = await followSnapshot(client, cluster, taken, inputs.snapshotRetentionDays, follow)
  return { id: snapshot.id, origin: 'new', createdAt: snapshot.createdAt }
}
