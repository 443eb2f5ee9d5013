/**
 * `snapshot-id: new`: an on-demand snapshot taken for this run (never two), followed
 * until it is `completed`, so that it can be exported.
 */
import type { AtlasClient } from './atlas/client.js'
import type { ClusterRef } from './backup/cluster.js'
import { takeSnapshotOnce } from './backup/snapshots.js'
import { days } from './duration.js'
import { followSnapshot, type FollowOptions } from './follow.js'
import type { ChosenSnapshot } from './summary.js'

export interface OnDemand {
  /** Names the run and its attempt: how a lost answer's snapshot is found again. */
  readonly description: string
  readonly retentionDays: number
}

/** `onTaken` hears of the snapshot as soon as Atlas has it, before the wait. */
export async function takeOnDemandSnapshot(
  client: AtlasClient,
  cluster: ClusterRef,
  request: OnDemand,
  follow: FollowOptions,
  onTaken: (taken: ChosenSnapshot) => void
): Promise<ChosenSnapshot> {
  const taken = await takeSnapshotOnce(client, cluster, { description: request.description, retentionInDays: request.retentionDays })
  onTaken({ id: taken.id, origin: 'new' })
  follow.log.info(
    `Taking on-demand snapshot ${taken.id} of ${cluster.clusterName} (${taken.status}, kept ${days(request.retentionDays)}); waiting until it is completed.`
  )
  const snapshot = await followSnapshot(client, cluster, taken, request.retentionDays, follow)
  return { id: snapshot.id, origin: 'new', createdAt: snapshot.createdAt }
}
