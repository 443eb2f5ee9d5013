/**
 * Trouble that passes costs retries, not the run, and never a second export job: each fault
 * on its own (the seeded schedules and the load test are their own files).
 */
import { describe, expect, test } from 'vitest'
import { AtlasEmulator, atlasTime, type Fault } from '../../scripts/atlas-emulator/emulator.js'
import {
  BUCKET_ID,
  CLUSTER,
  digestInputs,
  LATEST_SNAPSHOT_ID,
  serviceAccountInputs
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { apiError, EXPORTS, failureOf, html, ONE_JOB, posts, SNAPSHOTS, useEmulator, waitedSeconds } from './helpers.js'

const emulator = useEmulator()

const digestPosts = (atlas: AtlasEmulator) => atlas.apiRequests({ method: 'POST' }).filter(r => r.auth === 'digest')

describe.concurrent('the create call', () => {
  test('503 twice: looked for each time (a 503 may follow the work), nothing made, sent again, one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, times: 2, fault: apiError(503, 'SERVICE_UNAVAILABLE') })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(digestPosts(atlas).map(r => r.status)).toEqual([503, 503, 200])
    expect(run.stdout).toContain(
      'Atlas answered 503 SERVICE_UNAVAILABLE to the create, which may have reached Atlas: looking before trying again.'
    )
    expect(run.stdout).toMatch(/Nothing was made: sending the create again; retry 1 of 5 in \d\.\ds\./)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('429 with Retry-After: waits that long, then one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'POST',
      path: EXPORTS,
      fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': '1' } }
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.stdout).toMatch(
      /Atlas answered 429 RATE_LIMITED_TOKEN_BUCKET to POST …\/backup\/exports; retry 1 of 19 in 1\.\ds\./
    )
  })

  test.for<[string, Fault, RegExp]>([
    [
      'a 500 after Atlas made the job',
      apiError(500, 'UNEXPECTED_ERROR'),
      /Atlas answered 500 UNEXPECTED_ERROR to the create/
    ],
    [
      'a reset after Atlas made the job',
      { reset: true } as const,
      /other side closed|socket hang up|terminated|ECONNRESET/
    ],
    [
      'a 504 after Atlas made the job',
      apiError(504, 'GATEWAY_TIMEOUT'),
      /Atlas answered 504 GATEWAY_TIMEOUT to the create/
    ],
    [
      'a 503 after Atlas made the job',
      apiError(503, 'SERVICE_UNAVAILABLE'),
      /Atlas answered 503 SERVICE_UNAVAILABLE to the create/
    ]
  ])('%s: the job is found in the list and used, never a second', async ([_name, fault, logged], ctx) => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, afterProcessing: true, fault })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(digestPosts(atlas)).toHaveLength(1)
    expect(run.stdout).toMatch(logged)
    expect(run.stdout).toContain(`Found export job ${atlas.jobs[0]?.id} (Queued) created by that request: using it.`)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
    expect(run.summary).toContain('the create call lost its answer; the job it made was found and used')
  })

  test('a create that hangs after Atlas made the job: abandoned at request-timeout, found, used', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, afterProcessing: true, fault: { hang: true } })
    const run = await runAction(digestInputs(atlas.url, { 'request-timeout': '2s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.stdout).toContain(
      'Could not reach Atlas (no answer within 2s) to the create, which may have reached Atlas: looking before trying again.'
    )
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('after a lost answer, an older export of the same snapshot and bucket is not taken for ours: sent again, the new job used', async ctx => {
    const atlas = await emulator({}, ctx)
    const older = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: atlasTime(Date.now() - 2 * 86_400_000),
      state: 'Successful'
    })
    atlas.inject({ method: 'POST', path: EXPORTS, fault: apiError(500, 'UNEXPECTED_ERROR') })
    // export-again: the older Successful export is not reused either.
    const run = await runAction(digestInputs(atlas.url, { 'if-exported': 'export-again' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(2)
    const made = atlas.jobs.find(job => job.id !== older.id)
    expect(run.outputs['export-job-id']).toBe(made?.id)
    expect(run.stdout).toMatch(/Nothing was made: sending the create again/)
  })

  test('a 502 before Atlas saw the request: nothing in the list, so the create is sent again; one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'POST',
      path: EXPORTS,
      fault: { status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } }
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(digestPosts(atlas).map(r => r.status)).toEqual([502, 200])
    expect(run.stdout).toMatch(/Nothing was made: sending the create again; retry 1 of 5 in \d\.\ds\./)
  })
})

describe.concurrent('a long wait stays alive', () => {
  test('through 503s, a 429, a hung GET, a 502 page and a cut-off body, one per poll: one job, Successful', async ctx => {
    const steps = [
      { state: 'Queued' },
      ...Array.from({ length: 5 }, () => ({ state: 'InProgress' })),
      { state: 'Successful' }
    ]
    const atlas = await emulator({ exportTimeline: steps }, ctx)
    const faults: Fault[] = [
      apiError(503, 'SERVICE_UNAVAILABLE'),
      apiError(503, 'SERVICE_UNAVAILABLE'),
      { ...apiError(429, 'RATE_LIMITED'), headers: { 'Retry-After': '1' } },
      { hang: true } as const,
      { status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } },
      { truncated: '{"id":"6a7945592c88faeba59d5e8e","state":"InProgress","exportBucketId":"x"}' }
    ]
    // One fault per poll: each rule lets the retry of the previous fault through, then hits.
    faults.forEach((fault, i) => atlas.inject({ method: 'GET', path: ONE_JOB, after: i === 0 ? 0 : 1, fault }))
    const run = await runAction(
      digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'request-timeout': '1s' })
    )
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.outputs.state).toBe('Successful')
    expect(atlas.faults.every(f => f.times === 0)).toBe(true)
    const retries = run.stdout.split('\n').filter(l => / retry \d+ of \d+ in /.test(l))
    expect(retries).toHaveLength(6)
    expect(retries.join('\n')).toMatch(
      /503[\s\S]*503[\s\S]*429[\s\S]*no answer within 1s[\s\S]*502[\s\S]*(other side closed|terminated)/
    )
  })

  test('polls that keep failing past the retries do not end the wait; the deadline does', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }] }, ctx)
    atlas.inject({ method: 'GET', path: ONE_JOB, times: 1000, fault: apiError(503, 'SERVICE_UNAVAILABLE') })
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'wait-timeout': '4s' }))
    expect(run.exitCode).toBe(1)
    const message = failureOf(run).message
    expect(message).toMatch(/^Stopped waiting after \d+s \(wait-timeout\): export job [0-9a-f]{24} is still Queued\./)
    expect(waitedSeconds(message)).toBeGreaterThanOrEqual(4)
    expect(waitedSeconds(message)).toBeLessThan(4 + 10)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('a service-account token that expires during the wait is renewed before it does, one at a time', async ctx => {
    const steps = Array.from({ length: 7 }, () => ({ state: 'InProgress' }))
    const atlas = await emulator(
      { tokenLifetimeSeconds: 4, exportTimeline: [{ state: 'Queued' }, ...steps, { state: 'Successful' }] },
      ctx
    )
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(atlas.tokensIssued).toBeGreaterThanOrEqual(2)
    expect(atlas.tokensRevoked).toBe(atlas.tokensIssued)
    expect(atlas.tokens.size).toBe(0)
    expect(atlas.apiRequests().every(r => r.status === 200)).toBe(true)
  })

  test('a token Atlas rejects before its stated expiry: renewed once on the 401, the wait goes on', async ctx => {
    const steps = Array.from({ length: 4 }, () => ({ state: 'InProgress' }))
    const atlas = await emulator(
      {
        tokenLifetimeSeconds: 3600,
        tokenRealLifetimeSeconds: 2,
        exportTimeline: [{ state: 'Queued' }, ...steps, { state: 'Successful' }]
      },
      ctx
    )
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.tokensIssued).toBeGreaterThanOrEqual(2)
    expect(atlas.apiRequests().filter(r => r.status === 401).length).toBe(atlas.tokensIssued - 1)
    expect(atlas.tokens.size).toBe(0)
  })
})

describe.concurrent('an answer that cannot be read is trouble that passes', () => {
  test('a poll answered 200 with an HTML page, and one with the wrong shape: the wait goes on to Successful', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'InProgress' }, { state: 'Successful' }]
      },
      ctx
    )
    atlas.inject({ method: 'GET', path: ONE_JOB, fault: html })
    atlas.inject({ method: 'GET', path: ONE_JOB, after: 1, fault: { status: 200, body: '{"ok":true}' } })
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs.state).toBe('Successful')
    expect(run.stdout).toMatch(
      /Atlas answered 200 with something unreadable \(not JSON \(text\/html\): Logged out of the corporate portal\) to GET …\/backup\/exports\/[0-9a-f]{24}; retry 1 of 5/
    )
    expect(run.stdout).toMatch(
      /Atlas answered 200 with something unreadable \(not an export job: \{"ok":true\}\) to GET/
    )
  })

  test('a snapshot list page of the wrong shape is read again, not taken for an empty cluster', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'GET', path: SNAPSHOTS, fault: { status: 200, body: '{"links":[]}' } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.stdout).toMatch(/not a page of snapshots: \{"links":\[\]\}\) to GET …\/backup\/snapshots; retry 1 of 5/)
  })

  test('a create that made the job but whose 200 was an HTML page: looked for, found, used; one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, afterProcessing: true, fault: html })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(posts(atlas)).toHaveLength(1)
    expect(run.stdout).toContain(`Found export job ${atlas.jobs[0]?.id} (Queued) created by that request: using it.`)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('a create answered 200 with the wrong shape before Atlas acted: nothing found, sent again; one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, fault: { status: 200, body: '{"status":"ok"}' } })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(posts(atlas)).toHaveLength(2)
    expect(run.stdout).toMatch(/Nothing was made: sending the create again; retry 1 of 5/)
  })
})

describe.concurrent('the create backs off like everything else', () => {
  test('500 four times before Atlas acted: each attempt looks first, waits longer, and the fifth makes the one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, times: 4, fault: apiError(500, 'UNEXPECTED_ERROR') })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(posts(atlas).map(r => r.status)).toEqual([500, 500, 500, 500, 200])
    const retries = run.stdout
      .split('\n')
      .filter(line => line.startsWith('Nothing was made: sending the create again; retry'))
    expect(retries.map(line => /retry (\d) of 5/.exec(line)?.[1])).toEqual(['1', '2', '3', '4'])
    // Waited between attempts (the tests' backoff base is 50 ms: 25-50, 50-100, 100-200, 200-400 ms).
    const times = posts(atlas).map(r => r.at)
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number))
    expect(gaps.every(gap => gap >= 25)).toBe(true)
  })
})

describe.concurrent('Retry-After is read strictly', () => {
  test.for([['1.5'], ['-1'], ['soon']])(
    'Retry-After %s is ignored: the normal backoff applies, never "at once"',
    async ([value], ctx) => {
      const atlas = await emulator({}, ctx)
      atlas.inject({
        method: 'POST',
        path: EXPORTS,
        times: 2,
        fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': value as string } }
      })
      // The real backoff (1 s base): half a second at least, then a second at least.
      const run = await runAction(digestInputs(atlas.url), { env: { ATLAS_EXPORT_BACKOFF_BASE_MS: '' } })
      expect(run.exitCode).toBe(0)
      expect(atlas.jobs).toHaveLength(1)
      const times = posts(atlas).map(r => r.at)
      expect(times).toHaveLength(3)
      expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(450)
      expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(950)
    }
  )

  test('Retry-After 0, or a date already past, never means "hammer now"', async ctx => {
    const atlas = await emulator({}, ctx)
    const past = new Date(Date.now() - 60_000).toUTCString()
    atlas.inject({
      method: 'GET',
      path: SNAPSHOTS,
      fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': '0' } }
    })
    atlas.inject({
      method: 'GET',
      path: SNAPSHOTS,
      fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': past } }
    })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }), {
      env: { ATLAS_EXPORT_BACKOFF_BASE_MS: '' }
    })
    expect(run.exitCode).toBe(0)
    const times = atlas
      .apiRequests({ method: 'GET', path: SNAPSHOTS })
      .filter(r => r.auth !== 'none')
      .map(r => r.at)
    expect(times).toHaveLength(3)
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(450)
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(950)
  })
})
