/**
 * A project's clusters, as a fleet run reads them: every page of the list, and which of
 * them Cloud Backup can export.
 */
import type { AtlasClient } from '../atlas/client.js'
import { isRecord } from '../atlas/json.js'
import { listAll, pageOf } from '../atlas/pages.js'
import { API_VERSION, ROLE } from './api.js'

/** The fields of a cluster (`ClusterDescription20240805`) that decide whether it can be exported. */
export interface ProjectCluster {
  readonly name: string
  readonly backupEnabled?: boolean
  readonly paused?: boolean
  readonly clusterType?: string
  readonly replicationSpecs?: readonly {
    readonly regionConfigs?: readonly {
      readonly providerName?: string
      readonly electableSpecs?: { readonly instanceSize?: string }
    }[]
  }[]
}

const CLUSTERS = pageOf('clusters', data => isRecord(data) && typeof data.name === 'string')
// Shared tiers: their region configs name the TENANT provider (or FLEX), and M0/M2/M5 sizes.
const SHARED_PROVIDERS = new Set(['TENANT', 'FLEX', 'SERVERLESS'])
const SHARED_SIZES = new Set(['M0', 'M2', 'M5'])

export async function listClusters(client: AtlasClient, projectId: string): Promise<ProjectCluster[]> {
  return listAll<ProjectCluster>(client, {
    path: `/api/atlas/v2/groups/${projectId}/clusters`,
    version: API_VERSION.clusters,
    expect: CLUSTERS,
    role: ROLE.readOnly
  })
}

/** Pure: why a cluster cannot be exported (`backup off`, `paused`, `shared tier`), or undefined. */
export function whyNotExportableCluster(cluster: ProjectCluster): string | undefined {
  if (cluster.backupEnabled !== true) return 'backup off'
  if (cluster.paused === true) return 'paused'
  const regions = (cluster.replicationSpecs ?? []).flatMap(spec => spec.regionConfigs ?? [])
  const shared = regions.some(
    region =>
      SHARED_PROVIDERS.has(region.providerName ?? '') || SHARED_SIZES.has(region.electableSpecs?.instanceSize ?? '')
  )
  return shared ? 'shared tier' : undefined
}
