import { afterEach, describe, expect, test } from 'vitest'
import { AtlasClient } from '../../src/atlas/client.js'
import { DigestAuth } from '../../src/atlas/digest-auth.js'
import { AtlasError } from '../../src/atlas/errors.js'
import { ConnectionError, createTransport } from '../../src/atlas/transport.js'
import { startEmulator, type AtlasEmulator } from '../support/emulator.js'
import { API_KEY, BUCKET_ID, CLUSTER, LATEST_SNAPSHOT_ID, PROJECT_ID, standardOptions } from '../support/scenario.js'

const BACKUP = `/api/atlas/v2/groups/${PROJECT_ID}/clusters/${CLUSTER}/backup`

let emu: AtlasEmulator
afterEach(async () => {
  await emu?.close()
})

async function client(envelope = false, warnings: string[] = []): Promise<AtlasClient> {
  emu = await startEmulator(standardOptions())
  return new AtlasClient({
    baseUrl: emu.url,
    auth: new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport()),
    envelope,
    userAgent: 'atlas-snapshot-export/test',
    log: { debug: () => undefined, warning: message => warnings.push(message) }
  })
}

const create = { method: 'POST', path: `${BACKUP}/exports`, version: '2023-01-01', body: { snapshotId: LATEST_SNAPSHOT_ID, exportBucketId: BUCKET_ID } } as const

describe('AtlasClient', () => {
  test('sends the versioned media type as Accept and Content-Type, and names itself', async () => {
    const atlas = await client()
    const job = await atlas.call<{ id: string; state: string }>(create)
    expect(job.state).toBe('Queued')
    const post = emu.apiRequests({ method: 'POST' }).at(-1)
    expect(post?.headers.accept).toBe('application/vnd.atlas.2023-01-01+json')
    expect(post?.headers['content-type']).toBe('application/vnd.atlas.2023-01-01+json')
    expect(post?.headers['user-agent']).toBe('atlas-snapshot-export/test')
    expect(JSON.parse(post?.body ?? '')).toEqual({ snapshotId: LATEST_SNAPSHOT_ID, exportBucketId: BUCKET_ID })
  })

  test('a version Atlas does not serve is a 406 INVALID_VERSION_DATE with advice to update', async () => {
    const atlas = await client()
    const error = await atlas.call({ ...create, version: '2099-01-01' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AtlasError)
    expect((error as AtlasError).message).toBe('Atlas API 406 INVALID_VERSION_DATE: Invalid accept header or version date.')
    expect((error as AtlasError).hint).toMatch(/update the action/)
  })

  test('with envelope=true the entity is read out of {status, content}', async () => {
    const atlas = await client(true)
    const job = await atlas.call<{ id: string; state: string }>(create)
    expect(job.state).toBe('Queued')
    expect(emu.apiRequests({ method: 'POST' }).at(-1)?.query.get('envelope')).toBe('true')
    expect(emu.apiRequests({ method: 'POST' }).at(-1)?.status).toBe(200)
  })

  test('with envelope=true an error answered as HTTP 200 is still the error it wraps', async () => {
    const atlas = await client(true)
    const error = await atlas.call({ method: 'GET', path: `/api/atlas/v2/groups/${PROJECT_ID}/clusters/nope/backup/exports`, version: '2023-01-01' }).catch((e: unknown) => e)
    expect((error as AtlasError).message).toBe(`Atlas API 404 CLUSTER_NOT_FOUND: No cluster named nope exists in group ${PROJECT_ID}.`)
    expect(emu.requests.at(-1)?.status).toBe(200)
  })

  test('with envelope=true a list keeps its results', async () => {
    const atlas = await client(true)
    const page = await atlas.call<{ results: unknown[] }>({ method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' })
    expect(page.results).toHaveLength(5)
  })

  test('a 200 whose body is not JSON is a clear error with the status', async () => {
    const atlas = await client()
    emu.inject({ path: /exports$/, fault: { status: 200, body: '{"id":"6a79', headers: { 'Content-Type': 'application/vnd.atlas.2023-01-01+json' } } })
    const error = await atlas.call(create).catch((e: unknown) => e)
    expect((error as Error).message).toBe('Atlas API 200: non-JSON response (application/vnd.atlas.2023-01-01+json): {"id":"6a79')
  })

  test('a redirect is not followed with credentials', async () => {
    const atlas = await client()
    emu.inject({ path: /exports$/, fault: { status: 302, body: '', headers: { Location: 'https://elsewhere.example/steal' } } })
    const error = await atlas.call(create).catch((e: unknown) => e)
    expect((error as AtlasError).status).toBe(302)
    expect(emu.requests.filter(r => r.path === '/steal')).toHaveLength(0)
  })

  test('Deprecation and Sunset headers give one warning per version', async () => {
    const warnings: string[] = []
    const atlas = await client(false, warnings)
    const headers = { 'Content-Type': 'application/vnd.atlas.2023-01-01+json', Deprecation: 'Wed, 1 Feb 2023 00:00:00 GMT', Sunset: 'Sun, 1 Jun 2025 00:00:00 GMT' }
    emu.inject({ path: /snapshots$/, times: 2, fault: { status: 200, body: '{"results":[]}', headers } })
    await atlas.call({ method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' })
    await atlas.call({ method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' })
    expect(warnings).toEqual(['Atlas API version 2023-01-01 is deprecated and will be removed on Sun, 1 Jun 2025 00:00:00 GMT: update this action.'])
  })

  test('a refused connection says where and why, and that the request never left', async () => {
    const atlas = await client()
    await emu.close()
    const error = await atlas.call(create).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).message).toMatch(/^Could not reach Atlas \(POST http:\/\/127\.0\.0\.1:\d+\/api\/atlas\/v2\/groups\/.+\/exports\): connect ECONNREFUSED/)
    expect((error as ConnectionError).mayHaveReachedServer).toBe(false)
  })
})
