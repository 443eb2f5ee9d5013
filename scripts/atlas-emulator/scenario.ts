/**
 * A standard Atlas world for tests and the demo: one project with a replica-set
 * cluster whose snapshots are listed out of date order (with a newer fallback and a
 * newer queued snapshot that `latest` must skip), a sharded cluster, and a bucket.
 */
import { atlasTime, type EmuCluster, type EmulatorOptions, type EmuProject } from './emulator.js'
import { inputVariable } from '../run-action.js'

export const PROJECT_ID = 'b0123456789abcdef012345b'
export const CLUSTER = 'cluster-989'
export const SHARDED_CLUSTER = 'sharded-1'
export const EMPTY_CLUSTER = 'empty-1'
export const BUCKET_ID = '6a793f752c88faeba59bba56'
export const BUCKET_NAME = 'test-bucket'
export const OTHER_BUCKET_ID = '6a794342c0eb9e7a17729455'

export const API_KEY = { publicKey: 'abcdefgh', privateKey: '3f2b6c1e-9d4a-4f7b-8c21-5e6d7a8b9c0d' }
export const SERVICE_ACCOUNT = {
  clientId: 'mdb_sa_id_6a7945592c88faeba59d5e8e',
  clientSecret: 'mdb_sa_sk_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm'
}

/** The snapshot `latest` must pick: completed, not fallback, newest such createdAt. */
export const LATEST_SNAPSHOT_ID = '6a7944f22c88faeba59d3572'
export const OLDER_SNAPSHOT_ID = '6a7943462c88faeba59ccf5f'
export const FALLBACK_SNAPSHOT_ID = '6a7946002c88faeba59d0001'
export const QUEUED_SNAPSHOT_ID = '6a7946002c88faeba59d0002'
export const SHARDED_SNAPSHOT_ID = '6a7946002c88faeba59d0003'

const hoursAgo = (h: number): string => atlasTime(Date.now() - h * 3_600_000)

export function standardProject(): EmuProject {
  return {
    id: PROJECT_ID,
    clusters: [
      {
        name: CLUSTER,
        type: 'replicaSet',
        snapshots: [
          { id: OLDER_SNAPSHOT_ID, status: 'completed', snapshotType: 'scheduled', createdAt: hoursAgo(30) },
          { id: FALLBACK_SNAPSHOT_ID, status: 'completed', snapshotType: 'fallback', createdAt: hoursAgo(1) },
          { id: LATEST_SNAPSHOT_ID, status: 'completed', snapshotType: 'onDemand', createdAt: hoursAgo(6) },
          { id: QUEUED_SNAPSHOT_ID, status: 'queued', snapshotType: 'onDemand' },
          { id: '6a7940002c88faeba59d0009', status: 'completed', snapshotType: 'scheduled', createdAt: hoursAgo(54) }
        ]
      },
      {
        name: SHARDED_CLUSTER,
        type: 'shardedCluster',
        shards: ['sharded-1-shard-0', 'sharded-1-shard-1'],
        snapshots: [
          { id: '6a7940002c88faeba59d0010', status: 'completed', snapshotType: 'scheduled', createdAt: hoursAgo(26) },
          { id: SHARDED_SNAPSHOT_ID, status: 'completed', snapshotType: 'scheduled', createdAt: hoursAgo(2) }
        ]
      },
      {
        name: EMPTY_CLUSTER,
        type: 'replicaSet',
        snapshots: [
          { id: '6a7940002c88faeba59d0011', status: 'completed', snapshotType: 'fallback', createdAt: hoursAgo(3) }
        ]
      }
    ],
    buckets: [
      // As the recorded Describe answer has it.
      {
        _id: BUCKET_ID,
        bucketName: BUCKET_NAME,
        cloudProvider: 'AWS',
        iamRoleId: 'c0123456789abcdef012345c',
        region: 'us-east-1',
        requirePrivateNetworking: false
      },
      { _id: OTHER_BUCKET_ID, bucketName: 'archive-bucket', cloudProvider: 'GCP', roleId: 'c0123456789abcdef012345d' }
    ]
  }
}

export function standardOptions(extra: EmulatorOptions = {}): EmulatorOptions {
  return {
    apiKeys: { [API_KEY.publicKey]: API_KEY.privateKey },
    serviceAccounts: { [SERVICE_ACCOUNT.clientId]: SERVICE_ACCOUNT.clientSecret },
    projects: [standardProject()],
    ...extra
  }
}

/** Inputs for a run against the emulator, Digest auth, explicit snapshot, no waiting. */
export function digestInputs(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'public-key': API_KEY.publicKey,
    'private-key': API_KEY.privateKey,
    'project-id': PROJECT_ID,
    'cluster-name': CLUSTER,
    'snapshot-id': LATEST_SNAPSHOT_ID,
    'export-bucket-id': BUCKET_ID,
    'base-url': url,
    ...extra
  }
}

export function serviceAccountInputs(url: string, extra: Record<string, string> = {}): Record<string, string> {
  const { 'public-key': _p, 'private-key': _k, ...rest } = digestInputs(url)
  return { ...rest, 'client-id': SERVICE_ACCOUNT.clientId, 'client-secret': SERVICE_ACCOUNT.clientSecret, ...extra }
}

/** The snapshot list of CLUSTER, and request options that read it: for tests of auth alone. */
export const SNAPSHOTS_PATH = `/api/atlas/v2/groups/${PROJECT_ID}/clusters/${CLUSTER}/backup/snapshots`
export const getSnapshotsInit = (): RequestInit => ({
  method: 'GET',
  headers: { Accept: 'application/vnd.atlas.2023-01-01+json' }
})

/**
 * A project of many clusters, each a replica set with one exportable snapshot, plus the
 * standard buckets. `extra` overrides clusters by name (`backupEnabled`, `paused`,
 * `instanceSize`).
 */
export function fleetProject(names: readonly string[], extra: Record<string, Partial<EmuCluster>> = {}): EmuProject {
  const base = standardProject()
  return {
    ...base,
    clusters: names.map((name, i) => ({
      name,
      type: 'replicaSet' as const,
      snapshots: [
        {
          id: `6a7950${String(i).padStart(6, '0')}c88faeba59d0`,
          status: 'completed' as const,
          snapshotType: 'scheduled' as const,
          createdAt: hoursAgo(2 + (i % 5))
        }
      ],
      ...extra[name]
    }))
  }
}

/** `fleet-000` … : n cluster names. */
export function fleetNames(n: number, prefix = 'fleet'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`)
}

/**
 * The env file `@github/local-action` reads for a run against the emulator at `url`
 * (`.env.example` is this for port 4242): the inputs, and a summary file so the summary
 * is shown too (local-action writes none without one).
 */
export function localActionEnv(url: string): string {
  const inputs = Object.entries({ ...digestInputs(url), 'snapshot-id': 'latest' }).map(
    ([name, value]) => `${inputVariable(name)}=${value}`
  )
  return [
    '# Inputs for `npx local-action . src/main.ts .env`, against the local emulator',
    '# (`npm run emulator`). Copy to .env (git ignores it) and change what you like; for',
    '# real Atlas, put a real key here only in .env, never in this file.',
    ...inputs,
    'GITHUB_STEP_SUMMARY=local-action-summary.md',
    ''
  ].join('\n')
}
