import { afterEach, describe, expect, test } from 'vitest'
import { AtlasClient, type AtlasClientOptions } from '../../src/atlas/client.js'
import { DigestAuth } from '../../src/atlas/auth/digest.js'
import { AtlasError, OutOfTimeError, UnreadableAnswerError } from '../../src/atlas/errors.js'
import { classify } from '../../src/atlas/retry.js'
import { Throttle } from '../../src/atlas/throttle.js'
import { ConnectionError, createTransport, USER_AGENT } from '../../src/atlas/transport.js'
import { realClock } from '../../src/runner/clock.js'
import { startEmulator, type AtlasEmulator } from '../../scripts/atlas-emulator/emulator.js'
import {
  API_KEY,
  BUCKET_ID,
  CLUSTER,
  LATEST_SNAPSHOT_ID,
  PROJECT_ID,
  standardOptions
} from '../../scripts/atlas-emulator/scenario.js'

const BACKUP = `/api/atlas/v2/groups/${PROJECT_ID}/clusters/${CLUSTER}/backup`

let emu: AtlasEmulator
afterEach(async () => {
  await emu?.close()
})

const sleeps: number[] = []
const infos: string[] = []

async function client(
  envelope = false,
  warnings: string[] = [],
  extra: Partial<AtlasClientOptions> = {}
): Promise<AtlasClient> {
  emu = await startEmulator(standardOptions())
  sleeps.length = 0
  infos.length = 0
  return new AtlasClient({
    baseUrl: emu.url,
    auth: new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} })),
    envelope,
    requestTimeoutMs: 30_000,
    throttle: new Throttle(1),
    log: {
      debug: () => undefined,
      info: message => void infos.push(message),
      warning: message => void warnings.push(message),
      group: (_t, body) => body()
    },
    clock: { ...realClock, random: () => 0.5, sleep: async ms => void sleeps.push(ms) },
    ...extra
  })
}

const create = {
  method: 'POST',
  path: `${BACKUP}/exports`,
  version: '2023-01-01',
  body: { snapshotId: LATEST_SNAPSHOT_ID, exportBucketId: BUCKET_ID }
} as const

describe('AtlasClient', () => {
  test('sends the versioned media type as Accept and Content-Type, and names itself', async () => {
    const atlas = await client()
    const job = await atlas.call<{ id: string; state: string }>(create)
    expect(job.state).toBe('Queued')
    const post = emu.apiRequests({ method: 'POST' }).at(-1)
    expect(post?.headers.accept).toBe('application/vnd.atlas.2023-01-01+json')
    expect(post?.headers['content-type']).toBe('application/vnd.atlas.2023-01-01+json')
    expect(post?.headers['user-agent']).toBe(USER_AGENT)
    expect(JSON.parse(post?.body ?? '')).toEqual({ snapshotId: LATEST_SNAPSHOT_ID, exportBucketId: BUCKET_ID })
  })

  test('a version date before any Atlas serves is a 406 INVALID_VERSION_DATE with advice to update', async () => {
    const atlas = await client()
    const error = await atlas.call({ ...create, version: '2022-01-01' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AtlasError)
    expect((error as AtlasError).message).toBe(
      'Atlas API 406 INVALID_VERSION_DATE: Invalid accept header or version date.'
    )
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
    const error = await atlas
      .call({
        method: 'GET',
        path: `/api/atlas/v2/groups/${PROJECT_ID}/clusters/nope/backup/exports`,
        version: '2023-01-01'
      })
      .catch((e: unknown) => e)
    expect((error as AtlasError).message).toBe(
      `Atlas API 404 CLUSTER_NOT_FOUND: No cluster named nope exists in group ${PROJECT_ID}.`
    )
    expect(emu.requests.at(-1)?.status).toBe(200)
  })

  test('with envelope=true a list keeps its results', async () => {
    const atlas = await client(true)
    const page = await atlas.call<{ results: unknown[] }>({
      method: 'GET',
      path: `${BACKUP}/snapshots`,
      version: '2023-01-01'
    })
    expect(page.results).toHaveLength(5)
  })

  test('a 200 whose body is not JSON is unreadable, not a verdict: named with the status, never taken for a create that failed', async () => {
    const atlas = await client()
    emu.inject({
      path: /exports$/,
      fault: { status: 200, body: '{"id":"6a79', headers: { 'Content-Type': 'application/vnd.atlas.2023-01-01+json' } }
    })
    const error = await atlas.call(create).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnreadableAnswerError)
    expect(classify(error)).toBe('ambiguous')
    expect((error as Error).message).toBe(
      'Atlas answered 200 to POST …/backup/exports with something unreadable: not JSON (application/vnd.atlas.2023-01-01+json): {"id":"6a79'
    )
  })

  test('missing headers: a 401 without a challenge is a plain 401 (no loop); a 200 without a content type still parses', async () => {
    const atlas = await client()
    emu.inject({
      beforeAuth: true,
      path: /exports$/,
      fault: { status: 401, body: '', headers: { 'Content-Type': '' } }
    })
    const error = await atlas.call(create).catch((e: unknown) => e)
    expect((error as AtlasError).message).toBe('Atlas API 401: Unauthorized')
    expect(emu.requests).toHaveLength(1)
    emu.inject({ path: /snapshots$/, fault: { status: 200, body: '{"results":[]}', headers: { 'Content-Type': '' } } })
    await expect(atlas.call({ method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' })).resolves.toEqual({
      results: []
    })
  })

  test('a redirect is not followed: the host it names never hears from the action', async () => {
    const atlas = await client()
    const elsewhere = await startEmulator({})
    try {
      emu.inject({
        path: /exports$/,
        fault: { status: 302, body: '', headers: { Location: `${elsewhere.url}/steal` } }
      })
      emu.inject({
        path: /snapshots$/,
        fault: { status: 307, body: '', headers: { Location: `${elsewhere.url}/steal` } }
      })
      expect(((await atlas.call(create).catch((e: unknown) => e)) as AtlasError).status).toBe(302)
      expect(
        (
          (await atlas
            .call({ method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' })
            .catch((e: unknown) => e)) as AtlasError
        ).status
      ).toBe(307)
      expect(elsewhere.requests).toEqual([])
    } finally {
      await elsewhere.close()
    }
  })

  test('Deprecation and Sunset headers give one warning per version', async () => {
    const warnings: string[] = []
    const atlas = await client(false, warnings)
    const headers = {
      'Content-Type': 'application/vnd.atlas.2023-01-01+json',
      Deprecation: 'Wed, 1 Feb 2023 00:00:00 GMT',
      Sunset: 'Sun, 1 Jun 2025 00:00:00 GMT'
    }
    emu.inject({ path: /snapshots$/, times: 2, fault: { status: 200, body: '{"results":[]}', headers } })
    await atlas.call({ method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' })
    await atlas.call({ method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' })
    expect(warnings).toEqual([
      'Atlas API version 2023-01-01 is deprecated and will be removed on Sun, 1 Jun 2025 00:00:00 GMT: update this action.'
    ])
  })

  test('a refused connection says where and why, and that the request never left', async () => {
    const atlas = await client()
    await emu.close()
    const error = await atlas.call(create).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).message).toMatch(
      /^Could not reach Atlas \(POST http:\/\/127\.0\.0\.1:\d+\/api\/atlas\/v2\/groups\/.+\/exports\): connect ECONNREFUSED/
    )
    expect((error as ConnectionError).mayHaveReachedServer).toBe(false)
    expect(infos).toHaveLength(5)
    expect(infos[0]).toMatch(
      /^Could not reach Atlas \(connect ECONNREFUSED 127\.0\.0\.1:\d+\) to POST …\/backup\/exports; retry 1 of 5 in 0\.8s\.$/
    )
  })
})

describe('the retry policy', () => {
  const list = { method: 'GET', path: `${BACKUP}/snapshots`, version: '2023-01-01' } as const
  const json = (
    status: number,
    errorCode: string
  ): { status: number; body: string; headers: Record<string, string> } => ({
    status,
    body: JSON.stringify({ error: status, errorCode, detail: errorCode.toLowerCase(), parameters: [], reason: '' }),
    headers: { 'X-Error-Code': errorCode }
  })

  test('a read meeting 503 is retried, with exponential backoff and equal jitter (half to all of base * 2^n), one log line each', async () => {
    const atlas = await client()
    emu.inject({ path: /snapshots$/, times: 3, fault: json(503, 'SERVICE_UNAVAILABLE') })
    await atlas.call(list)
    expect(emu.requests.filter(r => r.path.endsWith('/snapshots') && r.auth !== 'none')).toHaveLength(4)
    expect(sleeps).toEqual([750, 1500, 3000])
    expect(infos).toEqual([
      'Atlas answered 503 SERVICE_UNAVAILABLE to GET …/backup/snapshots; retry 1 of 5 in 0.8s.',
      'Atlas answered 503 SERVICE_UNAVAILABLE to GET …/backup/snapshots; retry 2 of 5 in 1.5s.',
      'Atlas answered 503 SERVICE_UNAVAILABLE to GET …/backup/snapshots; retry 3 of 5 in 3.0s.'
    ])
  })

  test('429 waits what Retry-After says (seconds or an HTTP date), plus jitter', async () => {
    const atlas = await client()
    const date = new Date(Date.now() + 4_000).toUTCString()
    emu.inject({ path: /snapshots$/, fault: { ...json(429, 'RATE_LIMITED'), headers: { 'Retry-After': '3' } } })
    emu.inject({ path: /snapshots$/, fault: { ...json(429, 'RATE_LIMITED'), headers: { 'Retry-After': date } } })
    await atlas.call(list)
    expect(sleeps[0]).toBe(3_750)
    expect(sleeps[1]).toBeGreaterThan(3_000)
    expect(sleeps[1]).toBeLessThanOrEqual(5_000)
  })

  test('a read is retried after 500, 502, 504 and a reset; the attempts are bounded', async () => {
    const atlas = await client()
    emu.inject({ path: /snapshots$/, fault: json(500, 'UNEXPECTED_ERROR') })
    emu.inject({
      path: /snapshots$/,
      fault: { status: 502, body: '<html>bad gateway</html>', headers: { 'Content-Type': 'text/html' } }
    })
    emu.inject({ path: /snapshots$/, fault: { reset: true } })
    emu.inject({ path: /snapshots$/, fault: json(504, 'GATEWAY_TIMEOUT') })
    await atlas.call(list)
    expect(sleeps).toHaveLength(4)
    emu.inject({ path: /snapshots$/, times: 6, fault: json(500, 'UNEXPECTED_ERROR') })
    const error = await atlas.call(list).catch((e: unknown) => e)
    expect((error as AtlasError).status).toBe(500)
    expect(sleeps).toHaveLength(4 + 5)
  })

  test('a create that may have reached Atlas (500) is not repeated by the client', async () => {
    const atlas = await client()
    emu.inject({ path: /exports$/, fault: json(500, 'UNEXPECTED_ERROR') })
    const error = await atlas.call(create).catch((e: unknown) => e)
    expect((error as AtlasError).status).toBe(500)
    expect(emu.apiRequests({ method: 'POST' }).filter(r => r.auth === 'digest')).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test('4xx answers are final at once', async () => {
    const atlas = await client()
    const error = await atlas
      .call({ ...list, path: `/api/atlas/v2/groups/${PROJECT_ID}/clusters/nope/backup/snapshots` })
      .catch((e: unknown) => e)
    expect((error as AtlasError).status).toBe(404)
    expect(sleeps).toEqual([])
  })

  test("no wait runs past the run's deadline", async () => {
    const atlas = await client(false, [], { deadline: Date.now() + 2_000 })
    emu.inject({ path: /snapshots$/, fault: { ...json(429, 'RATE_LIMITED'), headers: { 'Retry-After': '30' } } })
    const error = await atlas.call(list).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OutOfTimeError)
    expect(((error as OutOfTimeError).cause as AtlasError).status).toBe(429)
    expect((error as Error).message).toContain("(Atlas asked to come back in 30 s, after the run's wait-timeout")
    expect(sleeps).toEqual([])
    expect(infos).toEqual([
      "Atlas answered 429 RATE_LIMITED to GET …/backup/snapshots; not retried: the run's time (wait-timeout) is spent."
    ])
  })

  test('a request that hangs is abandoned after the request timeout and retried', async () => {
    const atlas = await client(false, [], { requestTimeoutMs: 300 })
    emu.inject({ path: /snapshots$/, fault: { hang: true } })
    await atlas.call(list)
    expect(infos[0]).toBe(
      'Could not reach Atlas (no answer within 0.3s) to GET …/backup/snapshots; retry 1 of 5 in 0.8s.'
    )
  })
})

describe('a create, never made twice, backing off like every call', () => {
  const json = (status: number, errorCode: string) => ({
    status,
    body: JSON.stringify({ error: status, errorCode, detail: 'x', parameters: [], reason: '' }),
    headers: { 'X-Error-Code': errorCode }
  })
  const lookup = (finds: number[]) => ({
    what: 'the create',
    find: async () => {
      finds.push(emu.jobs.length)
      return emu.jobs[0] ? { id: emu.jobs[0].id, state: 'Queued' } : undefined
    },
    found: (job: { id: string }) => `found ${job.id}`
  })

  test('500 before Atlas acted: looks, finds nothing, waits as the policy says, sends again; one job', async () => {
    const atlas = await client()
    emu.inject({ path: /exports$/, method: 'POST', times: 2, fault: json(500, 'UNEXPECTED_ERROR') })
    const finds: number[] = []
    const { value, recovered } = await atlas.create<{ id: string }>(create, lookup(finds))
    expect(recovered).toBe(false)
    expect(emu.jobs.map(j => j.id)).toEqual([value.id])
    expect(finds).toEqual([0, 0])
    expect(sleeps).toEqual([750, 1500])
    expect(infos).toEqual([
      'Atlas answered 500 UNEXPECTED_ERROR to the create, which may have reached Atlas: looking before trying again.',
      'Nothing was made: sending the create again; retry 1 of 5 in 0.8s.',
      'Atlas answered 500 UNEXPECTED_ERROR to the create, which may have reached Atlas: looking before trying again.',
      'Nothing was made: sending the create again; retry 2 of 5 in 1.5s.'
    ])
  })

  test('500 after Atlas acted: found at the first look, used, no second create and no wait', async () => {
    const atlas = await client()
    emu.inject({ path: /exports$/, method: 'POST', afterProcessing: true, fault: json(500, 'UNEXPECTED_ERROR') })
    const { value, recovered } = await atlas.create<{ id: string }>(create, lookup([]))
    expect(recovered).toBe(true)
    expect(value.id).toBe(emu.jobs[0]?.id)
    expect(emu.apiRequests({ method: 'POST' }).filter(r => r.auth === 'digest')).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test('as many attempts as any call: six, then the last error', async () => {
    const atlas = await client()
    emu.inject({ path: /exports$/, method: 'POST', times: 10, fault: json(502, 'BAD_GATEWAY') })
    const error = await atlas.create(create, lookup([])).catch((e: unknown) => e)
    expect((error as AtlasError).status).toBe(502)
    expect(emu.apiRequests({ method: 'POST' }).filter(r => r.auth === 'digest')).toHaveLength(6)
  })

  test("the run's deadline stops a create's retries as it stops a read's: no new attempt after it", async () => {
    const atlas = await client(false, [], { deadline: Date.now() + 200 })
    emu.inject({
      path: /exports$/,
      method: 'POST',
      times: 2,
      fault: { ...json(503, 'SERVICE_UNAVAILABLE'), headers: { 'Retry-After': '3' } }
    })
    const error = await atlas.create(create, lookup([])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OutOfTimeError)
    expect(emu.apiRequests({ method: 'POST' }).filter(r => r.auth === 'digest')).toHaveLength(1)
    expect(emu.jobs).toHaveLength(0)
    expect(sleeps).toEqual([])
  })
})
