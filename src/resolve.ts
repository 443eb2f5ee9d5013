/**
 * What to export, and where to: the Export Bucket (by id or by name) and the snapshot
 * (given, or `latest`). A dry run checks both exist and creates nothing. Each costs no
 * request it does not need. (`snapshot-id: new` is taken by take-snapshot.ts.)
 */
import type { AtlasClient } from './atlas/client.js'
import type { ClusterRef } from './backup/cluster.js'
import { findExportBucketByName, getExportBucket, type ExportBucket } from './backup/export-buckets.js'
import { checkClusterExists, findLatestSnapshot, getSnapshot, whyNotExportable } from './backup/snapshots.js'
import { days } from './duration.js'
import type { Inputs } from './inputs.js'
import type { Log } from './log.js'
import type { ChosenBucket, ChosenSnapshot } from './summary.js'

export async function resolveBucket(client: AtlasClient, inputs: Inputs, log: Pick<Log, 'info'>): Promise<ChosenBucket> {
  if (inputs.bucket.kind === 'name') {
    const bucket = await findExportBucketByName(client, inputs.projectId, inputs.bucket.name)
    log.info(`Export Bucket '${bucket.bucketName}' is ${bucket._id} (${bucket.cloudProvider ?? 'unknown cloud'}).`)
    return chosen(bucket)
  }
  if (inputs.bucket.kind === 'of-job') throw new Error('no bucket to resolve: the export job followed names its own')
  return readBucket(client, inputs.projectId, inputs.bucket.id, log)
}

/** One read of the bucket: that it exists, and where the export lands (its name and cloud). */
export async function readBucket(client: AtlasClient, projectId: string, id: string, log: Pick<Log, 'info'>): Promise<ChosenBucket> {
  const bucket = await getExportBucket(client, projectId, id)
  log.info(`Export Bucket ${bucket._id}: '${bucket.bucketName}' (${bucket.cloudProvider ?? 'unknown cloud'}).`)
  return chosen(bucket)
}

function chosen(bucket: ExportBucket): ChosenBucket {
  return { id: bucket._id, name: bucket.bucketName, cloudProvider: bucket.cloudProvider, serviceUrl: bucket.serviceUrl }
}

/** The snapshot given or `latest`; for `new`, what will be taken (no id yet). */
export async function chooseSnapshot(client: AtlasClient, cluster: ClusterRef, inputs: Inputs, log: Pick<Log, 'info'>): Promise<ChosenSnapshot> {
  const choice = inputs.snapshot
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
    // Nothing is taken, but a mistyped cluster must not go green.
    await checkClusterExists(client, cluster)
    log.info(`Dry run: cluster ${cluster.clusterName} exists; an on-demand snapshot of it would be taken (kept ${days(inputs.snapshotRetentionDays)}).`)
  }
  return { origin: 'new' }
}
