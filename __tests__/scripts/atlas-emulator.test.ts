/**
 * The emulator answers like Atlas where Atlas's recordings and spec say how (and models
 * both readings where they do not): the tests of the action are only as good as it.
 */
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { DigestAuth } from '../../src/atlas/auth/digest.js'
import { createTransport } from '../../src/atlas/transport.js'
import { atlasTime } from '../../scripts/atlas-emulator/emulator.js'
import {
  API_KEY,
  BUCKET_ID,
  CLUSTER,
  OTHER_BUCKET_ID,
  PROJECT_ID,
  SHARDED_CLUSTER,
  SHARDED_SNAPSHOT_ID
} from '../../scripts/atlas-emulator/scenario.js'
import { useEmulator } from '../support/use-emulator.js'

const emulator = useEmulator()
const GROUP = `/api/atlas/v2/groups/${PROJECT_ID}`
const accept = (version: string) => ({ headers: { Accept: `application/vnd.atlas.${version}+json` } })

async function get(
  url: string,
  version: string
): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
  const response = await auth.send(url, () => ({ method: 'GET', ...accept(version) }))
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>
  }
}

describe('versions', () => {
  test('a later date is served the newest version on or before it; an earlier one is a 406', async () => {
    const atlas = await emulator()
    const later = await get(`${atlas.url}${GROUP}/clusters/${CLUSTER}/backup/exports`, '2025-03-12')
    expect(later.status).toBe(200)
    expect(later.type).toBe('application/vnd.atlas.2023-01-01+json;charset=utf-8')
    expect((await get(`${atlas.url}${GROUP}/clusters/${CLUSTER}/backup/exports`, '2022-12-31')).status).toBe(406)
  })

  test('Export Buckets: 2024-05-30 serves every cloud with its role fields; 2023-01-01 (AWS-only) does not serve a GCP bucket', async () => {
    const atlas = await emulator()
    const current = await get(`${atlas.url}${GROUP}/backup/exportBuckets/${OTHER_BUCKET_ID}`, '2024-05-30')
    expect(current.body).toMatchObject({ _id: OTHER_BUCKET_ID, cloudProvider: 'GCP', roleId: expect.any(String) })
    expect((await get(`${atlas.url}${GROUP}/backup/exportBuckets/${OTHER_BUCKET_ID}`, '2023-01-01')).status).toBe(404)
    const aws = await get(`${atlas.url}${GROUP}/backup/exportBuckets/${BUCKET_ID}`, '2023-01-01')
    expect(aws.body).toMatchObject({ cloudProvider: 'AWS', iamRoleId: 'c0123456789abcdef012345c' })
  })
})

describe('sharded clusters', () => {
  test('the replica-set path answers for a sharded snapshot (as Terraform reads it), and the sharded path too', async () => {
    const atlas = await emulator()
    const base = `${atlas.url}${GROUP}/clusters/${SHARDED_CLUSTER}/backup/snapshots`
    expect((await get(`${base}/${SHARDED_SNAPSHOT_ID}`, '2023-01-01')).body).toMatchObject({
      id: SHARDED_SNAPSHOT_ID,
      type: 'shardedCluster'
    })
    expect((await get(`${base}/shardedCluster/${SHARDED_SNAPSHOT_ID}`, '2023-01-01')).status).toBe(200)
  })
})

describe('Digest', () => {
  test('nc need only increase: a gap is accepted, a repeat is not', async () => {
    const atlas = await emulator()
    const challenge = atlas.digest.challenge(false)
    const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] as string
    const answer = (nc: string) => {
      const md5 = (s: string) => createHash('md5').update(s).digest('hex')
      const uri = '/x'
      const ha1 = md5(`${API_KEY.publicKey}:MMS Public API:${API_KEY.privateKey}`)
      const response = md5(`${ha1}:${nonce}:${nc}:abc:auth:${md5(`GET:${uri}`)}`)
      return `Digest username="${API_KEY.publicKey}", realm="MMS Public API", nonce="${nonce}", uri="${uri}", qop=auth, nc=${nc}, cnonce="abc", response="${response}", algorithm=MD5`
    }
    expect(atlas.digest.verify('GET', '/x', answer('00000001')).ok).toBe(true)
    expect(atlas.digest.verify('GET', '/x', answer('00000003')).ok).toBe(true)
    expect(atlas.digest.verify('GET', '/x', answer('00000003')).ok).toBe(false)
    expect(atlas.digest.verify('GET', '/x', answer('3')).ok).toBe(false)
  })

  test('the challenge does not count against the rate limit', async () => {
    const atlas = await emulator({ rateLimitPerSecond: 1 })
    const first = await get(`${atlas.url}${GROUP}/clusters/${CLUSTER}/backup/exports`, '2023-01-01')
    expect(first.status).toBe(200)
    expect(atlas.requests.map(r => r.status)).toEqual([401, 200])
  })
})

describe('export jobs move with time', () => {
  test('with timelineStepMs, a job is at the step its age says, however often it is read', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z')
    const atlas = await emulator({ timelineStepMs: 60_000, now: () => now })
    atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: '6a7944f22c88faeba59d3572',
      exportBucketId: BUCKET_ID,
      createdAt: atlasTime(now),
      state: 'Queued'
    })
    const job = atlas.jobs[0]!
    job.timeline = [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'Successful' }]
    const read = async () =>
      (await get(`${atlas.url}${GROUP}/clusters/${CLUSTER}/backup/exports/${job.id}`, '2023-01-01')).body.state
    expect([await read(), await read(), await read()]).toEqual(['Queued', 'Queued', 'Queued'])
    now += 60_000
    expect(await read()).toBe('InProgress')
    now += 10 * 60_000
    expect(await read()).toBe('Successful')
  })
})
