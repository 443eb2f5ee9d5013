import { afterEach, describe, expect, test } from 'vitest'
import { realClock } from '../../src/runner/clock.js'
import { recordingLog } from '../support/recording-log.js'
import { AtlasClient } from '../../src/atlas/client.js'
import { DigestAuth } from '../../src/atlas/auth/digest.js'
import { Throttle } from '../../src/atlas/throttle.js'
import { createTransport } from '../../src/atlas/transport.js'
import {
  getExportJob,
  isTerminal,
  listExportJobs,
  type ExportJob,
  type ExportRequest
} from '../../src/backup/export-jobs.js'
import { findLatestSnapshot, pickLatestSnapshot, type Snapshot } from '../../src/backup/snapshots.js'
import {
  atlasTime,
  startEmulator,
  type AtlasEmulator,
  type EmuSnapshot
} from '../../scripts/atlas-emulator/emulator.js'
import { findRecorded, loadRecorded, type Recorded } from '../support/recorded.js'
import { replay } from '../support/replay-server.js'
import {
  API_KEY,
  BUCKET_ID,
  CLUSTER,
  EMPTY_CLUSTER,
  LATEST_SNAPSHOT_ID,
  PROJECT_ID,
  SHARDED_CLUSTER,
  SHARDED_SNAPSHOT_ID,
  standardOptions,
  standardProject
} from '../../scripts/atlas-emulator/scenario.js'

function clientFor(url: string): AtlasClient {
  return new AtlasClient({
    baseUrl: url,
    auth: new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} })),
    envelope: false,
    requestTimeoutMs: 30_000,
    throttle: new Throttle(1),
    clock: realClock,
    log: recordingLog()
  })
}

describe('pickLatestSnapshot', () => {
  const s = (
    id: string,
    createdAt: string | undefined,
    status = 'completed',
    snapshotType = 'scheduled'
  ): Snapshot => ({ id, createdAt, status, snapshotType })

  test('newest completed, non-fallback snapshot by createdAt, whatever the list order', () => {
    const list = [
      s('a', '2026-08-10T03:00:00Z'),
      s('fallback', '2026-08-10T09:00:00Z', 'completed', 'fallback'),
      s('b', '2026-08-10T05:00:00Z'),
      s('running', '2026-08-10T08:00:00Z', 'inProgress'),
      s('queued', undefined, 'queued'),
      s('failed', '2026-08-10T07:00:00Z', 'failed'),
      s('c', '2026-08-09T23:00:00Z')
    ]
    expect(pickLatestSnapshot(list)?.id).toBe('b')
    expect(pickLatestSnapshot([...list].reverse())?.id).toBe('b')
  })

  test('nothing eligible is undefined', () => {
    expect(
      pickLatestSnapshot([s('f', '2026-08-10T03:00:00Z', 'completed', 'fallback'), s('q', undefined, 'queued')])
    ).toBeUndefined()
    expect(pickLatestSnapshot([])).toBeUndefined()
  })

  test('the recorded snapshot list yields its completed on-demand snapshot', () => {
    const page = JSON.parse(findRecorded('TestSnapshots', 'List__GET').body) as { results: Snapshot[] }
    expect(pickLatestSnapshot(page.results)?.id).toBe('6a7944f22c88faeba59d3572')
  })
})

describe('export operations against the emulator', () => {
  let emu: AtlasEmulator
  afterEach(async () => {
    await emu.close()
  })

  test('latest reads every page: 1,203 snapshots take 3 pages of 500, the newest eligible is on the last', async () => {
    const project = standardProject()
    const cluster = project.clusters.find(c => c.name === CLUSTER)
    const base = Date.parse('2026-01-01T00:00:00Z')
    const many: EmuSnapshot[] = Array.from({ length: 1200 }, (_, i) => ({
      id: (0x6a7900000000000000000000n + BigInt(i)).toString(16).padStart(24, '0'),
      status: 'completed',
      snapshotType: 'scheduled',
      createdAt: atlasTime(base + i * 60_000)
    }))
    cluster!.snapshots = [
      ...many,
      { id: LATEST_SNAPSHOT_ID, status: 'completed', snapshotType: 'onDemand', createdAt: '2026-06-01T00:00:00Z' },
      ...cluster!.snapshots.filter(s => s.snapshotType === 'fallback' || s.status === 'queued')
    ]
    emu = await startEmulator(standardOptions({ projects: [project] }))
    const latest = await findLatestSnapshot(clientFor(emu.url), { projectId: PROJECT_ID, clusterName: CLUSTER })
    expect(latest?.id).toBe(LATEST_SNAPSHOT_ID)
    expect(
      emu
        .apiRequests({ path: /snapshots$/ })
        .filter(r => r.status === 200)
        .map(r => r.query.get('pageNum'))
    ).toEqual(['1', '2', '3'])
  })

  test('a sharded cluster: the replica-set list is empty, the sharded list has the snapshots', async () => {
    emu = await startEmulator(standardOptions())
    const latest = await findLatestSnapshot(clientFor(emu.url), { projectId: PROJECT_ID, clusterName: SHARDED_CLUSTER })
    expect(latest?.id).toBe(SHARDED_SNAPSHOT_ID)
    expect(
      emu
        .apiRequests()
        .filter(r => r.status === 200)
        .map(r => r.path.split('/').slice(-2).join('/'))
    ).toEqual(['backup/snapshots', 'snapshots/shardedClusters'])
  })

  test('a cluster with only a fallback snapshot has no latest', async () => {
    emu = await startEmulator(standardOptions())
    expect(
      await findLatestSnapshot(clientFor(emu.url), { projectId: PROJECT_ID, clusterName: EMPTY_CLUSTER })
    ).toBeUndefined()
  })

  test('create, get and list of export jobs', async () => {
    emu = await startEmulator(standardOptions())
    const client = clientFor(emu.url)
    const cluster = { projectId: PROJECT_ID, clusterName: CLUSTER }
    const customData = [
      { key: 'b', value: '2' },
      { key: 'a', value: '1' }
    ]
    const { job: created } = await createExport(client, cluster, {
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      customData
    })
    expect(created).toMatchObject({
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      state: 'Queued',
      customData
    })
    expect((await getExportJob(client, cluster, created.id)).state).toBe('InProgress')
    expect((await listExportJobs(client, cluster)).map(j => j.id)).toEqual([created.id])
  })
})

/** The create call alone, as Atlas records it (startExport would list first). */
async function createExport(
  client: AtlasClient,
  cluster: { projectId: string; clusterName: string },
  request: ExportRequest
) {
  const path = `/api/atlas/v2/groups/${cluster.projectId}/clusters/${cluster.clusterName}/backup/exports`
  return { job: await client.call<ExportJob>({ method: 'POST', path, version: '2023-01-01', body: request }) }
}

describe('replaying recorded Atlas responses', () => {
  const challenge = (): Recorded => findRecorded('Auth', 'digest-challenge')
  const exportsDir = 'TestExportJobs'

  test('create, then the watch sequence Queued → InProgress → Successful, then list', async () => {
    const watch = [1, 2, 3].map(n =>
      findRecorded(
        exportsDir,
        `Watch_create_job__GET_api_atlas_v2_groups_b0123456789abcdef012345b_clusters_cluster-989_backup_exports_6a7945592c88faeba59d5e8e_${n}`
      )
    )
    const server = await replay([
      challenge(),
      findRecorded(exportsDir, 'Create_job__POST'),
      ...watch,
      findRecorded(exportsDir, 'List_jobs__GET')
    ])
    try {
      const client = clientFor(server.url)
      const cluster = { projectId: PROJECT_ID, clusterName: 'cluster-989' }
      const { job } = await createExport(client, cluster, {
        snapshotId: '6a7943462c88faeba59ccf5f',
        exportBucketId: '6a794342c0eb9e7a17729455',
        customData: []
      })
      expect(job).toMatchObject({
        id: '6a7945592c88faeba59d5e8e',
        state: 'Queued',
        prefix: expect.stringMatching(/^exported_snapshots\//)
      })
      const states: string[] = []
      let current = job
      while (!isTerminal(current.state)) {
        current = await getExportJob(client, cluster, job.id)
        states.push(current.state)
      }
      expect(states).toEqual(['Queued', 'InProgress', 'Successful'])
      expect(current.finishedAt).toBe('2026-08-10T03:43:05Z')
      expect(current.exportStatus).toEqual({ exportedCollections: 0, totalCollections: 0 })
      expect((await listExportJobs(client, cluster)).map(j => j.state)).toEqual(['Successful'])
      expect(server.requests.map(r => r.method)).toEqual(['POST', 'POST', 'GET', 'GET', 'GET', 'GET'])
    } finally {
      await server.close()
    }
  })

  test('the recorded CLUSTER_NOT_FOUND 404 fails the call with Atlas words', async () => {
    const server = await replay([
      challenge(),
      loadRecorded(
        `${exportsDir}/ExportJobs__GET_api_atlas_v2_groups_b0123456789abcdef012345b_clusters_cluster-989_5.snaphost`
      )
    ])
    try {
      const error = await listExportJobs(clientFor(server.url), {
        projectId: PROJECT_ID,
        clusterName: 'cluster-989'
      }).catch((e: unknown) => e)
      expect((error as Error).message).toBe(
        'Atlas API 404 CLUSTER_NOT_FOUND: No cluster named cluster-989 exists in group b0123456789abcdef012345b.'
      )
    } finally {
      await server.close()
    }
  })
})

test('isTerminal follows the Atlas CLI: three end states, any case', () => {
  expect(['Successful', 'FAILED', 'cancelled'].map(isTerminal)).toEqual([true, true, true])
  expect(['Queued', 'InProgress', ''].map(isTerminal)).toEqual([false, false, false])
})
