/**
 * The snapshot to export: given by id, `latest`, or `new` (an on-demand snapshot taken
 * for this run, never two, followed until it is `completed`). A dry run checks what it
 * can and takes nothing. Each costs no request it does not need.
 */
import type { AtlasClient } from '../atlas/client.js'
import type { ClusterRef } from '../backup/api.js'
import {
  checkClusterExists,
  findLatestSnapshot,
  getSnapshot,
  takeSnapshotOnce,
  whyNotExportable
} from '../backup/snapshots.js'
import { days } from '../inputs/duration.js'
import type { SnapshotChoice } from '../inputs/inputs.js'
import type { Log } from '../runner/log.js'
import type { WorkflowRun } from '../runner/workflow-run.js'
import type { SnapshotInfo } from '../report/record.js'
import { cutWhole } from '../report/text.js'
import { followSnapshot, type FollowOptions } from './follow.js'

/** The snapshot given or `latest`; for `new`, what will be taken (no id yet). */
export async function chooseSnapshot(
  client: AtlasClient,
  cluster: ClusterRef,
  choice: SnapshotChoice,
  dryRun: boolean,
  log: Log
): Promise<SnapshotInfo> {
  if (choice.kind === 'id') {
    if (!dryRun) return { id: choice.id, origin: 'given' }
    const snapshot = await getSnapshot(client, cluster, choice.id, 'either')
    const why = whyNotExportable(snapshot)
    if (why) throw new Error(`Snapshot ${snapshot.id} of ${cluster.clusterName} cannot be exported: ${why}.`)
    log.info(`Snapshot ${snapshot.id} exists and is completed (taken ${snapshot.createdAt}).`)
    return { id: snapshot.id, origin: 'given', createdAt: snapshot.createdAt }
  }
  if (choice.kind === 'latest') {
    const latest = await findLatestSnapshot(client, cluster)
    if (!latest) {
      throw new Error(
        `Cluster ${cluster.clusterName} has no exportable snapshot (status completed, not a fallback snapshot): nothing to export.`
      )
    }
    log.info(`Latest exportable snapshot of ${cluster.clusterName}: ${latest.id} (created ${latest.createdAt}).`)
    return { id: latest.id, origin: 'latest', createdAt: latest.createdAt }
  }
  if (dryRun) {
    // Nothing is taken, but a mistyped cluster must not go green.
    await checkClusterExists(client, cluster)
    log.info(`Dry run: cluster ${cluster.clusterName} exists; an on-demand snapshot of it would be taken.`)
  }
  return { origin: 'new' }
}

/** A snapshot this run took, with the id it now surely has. */
export interface TakenSnapshot extends SnapshotInfo {
  readonly id: string
}

/** `snapshot-id: new`: takes it, `onTaken` hears of it as soon as Atlas has it, then waits until it is completed. */
export async function takeOnDemandSnapshot(
  client: AtlasClient,
  cluster: ClusterRef,
  run: WorkflowRun,
  retentionDays: number,
  follow: FollowOptions,
  onTaken: (taken: TakenSnapshot) => void
): Promise<TakenSnapshot> {
  const taken = await takeSnapshotOnce(client, cluster, {
    description: snapshotDescription(run),
    marker: snapshotMarker(run),
    retentionDays
  })
  onTaken({ id: taken.id, origin: 'new' })
  const kept = days(retentionDays)
  follow.log.info(
    `Taking on-demand snapshot ${taken.id} of ${cluster.clusterName} (${taken.status}, kept ${kept}); waiting until it is completed.`
  )
  const afterword = `Nothing was exported. The snapshot goes on in Atlas and is kept ${kept}.`
  const snapshot = await followSnapshot(client, cluster, taken, afterword, follow)
  return { id: snapshot.id, origin: 'new', createdAt: snapshot.createdAt }
}

/** Pure: how a run knows its own on-demand snapshot again, at the start of the description. */
export function snapshotMarker(run: WorkflowRun): string {
  return run.repository
    ? `atlas-snapshot-export run ${run.runId} attempt ${run.runAttempt}:`
    : 'atlas-snapshot-export local run:'
}

/**
 * Pure: the description of an on-demand snapshot, naming the run that took it: the
 * marker first (plain ASCII, found again whatever Atlas makes of the rest), cut to
 * Atlas's 250 characters on whole characters.
 */
export function snapshotDescription(run: WorkflowRun): string {
  const about = run.repository
    ? ` on-demand snapshot for ${run.repository}, workflow '${run.workflow}'`
    : ' on-demand snapshot'
  return cutWhole(`${snapshotMarker(run)}${about}`, 250)
}
