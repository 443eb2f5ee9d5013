/**
 * Fault injection through the bundle: each fault a real Atlas or network can throw at
 * a run, and what the action does. Every test counts the jobs Atlas ends with.
 */
import { describe, expect, test } from 'vitest'
import type { AtlasEmulator, Fault } from '../../scripts/atlas-emulator/emulator.js'
import { runAction } from '../../scripts/run-action.js'
import { atlasTime } from '../../scripts/atlas-emulator/emulator.js'
import { BUCKET_ID, CLUSTER, digestInputs, LATEST_SNAPSHOT_ID, serviceAccountInputs } from '../../scripts/atlas-emulator/scenario.js'
import { failureOf, useEmulator, waitedSeconds } from './helpers.js'

const emulator = useEmulator()
const EXPORTS = /\/backup\/exports$/
const ONE_JOB = /\/backup\/exports\/[0-9a-f]{24}$/
const apiError = (status: number, errorCode: string) => ({
  status,
  body: JSON.stringify({ detail: `${errorCode} injected`, error: status, errorCode, parameters: [], reason: '' }),
  headers: { 'X-Error-Code': errorCode }
})
const digestPosts = (atlas: AtlasEmulator) => atlas.apiRequests({ method: 'POST' }).filter(r => r.auth === 'digest')

describe.concurrent('the create call', () => {
  test('503 twice: retried as is, one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, times: 2, fault: apiError(503, 'SERVICE_UNAVAILABLE') })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(digestPosts(atlas).map(r => r.status)).toEqual([503, 503, 200])
    expect(run.stdout).toMatch(/Atlas answered 503 SERVICE_UNAVAILABLE to POST …\/backup\/exports; retry 1 of 5 in \d\.\ds\./)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('429 with Retry-After: waits that long, then one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': '1' } } })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.stdout).toMatch(/Atlas answered 429 RATE_LIMITED_TOKEN_BUCKET to POST …\/backup\/exports; retry 1 of 19 in 1\.\ds\./)
  })

  test.for<[string, Fault, RegExp]>([
    ['a 500 after Atlas made the job', apiError(500, 'UNEXPECTED_ERROR'), /Atlas answered 500 UNEXPECTED_ERROR to the create/],
    ['a reset after Atlas made the job', { reset: true } as const, /other side closed|socket hang up|terminated|ECONNRESET/],
    ['a 504 after Atlas made the job', apiError(504, 'GATEWAY_TIMEOUT'), /Atlas answered 504 GATEWAY_TIMEOUT to the create/]
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
    expect(run.stdout).toContain('Could not reach Atlas (no answer within 2s) to the create, which may have reached Atlas: looking before trying again.')
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
    atlas.inject({ method: 'POST', path: EXPORTS, fault: { status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } } })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(digestPosts(atlas).map(r => r.status)).toEqual([502, 200])
    expect(run.stdout).toMatch(/Nothing was made: sending the create again; retry 1 of 5 in \d\.\ds\./)
  })

  test('a re-run while the export is still going: 409, the active job is taken over and waited for', async ctx => {
    const atlas = await emulator(
      { exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'InProgress' }, { state: 'InProgress' }, { state: 'Successful' }] },
      ctx
    )
    const first = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'wait-timeout': '2s' }))
    expect(first.exitCode).toBe(1)
    const rerun = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(rerun.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    const id = atlas.jobs[0]?.id
    expect(rerun.stdout).toMatch(new RegExp(`Took over export job ${id}: an export of snapshot \\w+ to this bucket was already (Queued|InProgress); no other was created\\.`))
    expect(rerun.outputs).toMatchObject({ 'export-job-id': id, state: 'Successful', 'error-code': '' })
    expect(rerun.summary).toContain('taken over: an export of this snapshot to this bucket was already running')
  })
})

describe.concurrent('a long wait stays alive', () => {
  test('through 503s, a 429, a hung GET, a 502 page and a cut-off body, one per poll: one job, Successful', async ctx => {
    const steps = [{ state: 'Queued' }, ...Array.from({ length: 5 }, () => ({ state: 'InProgress' })), { state: 'Successful' }]
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
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'request-timeout': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.outputs.state).toBe('Successful')
    expect(atlas.faults.every(f => f.times === 0)).toBe(true)
    const retries = run.stdout.split('\n').filter(l => / retry \d+ of \d+ in /.test(l))
    expect(retries).toHaveLength(6)
    expect(retries.join('\n')).toMatch(/503[\s\S]*503[\s\S]*429[\s\S]*no answer within 1s[\s\S]*502[\s\S]*(other side closed|terminated)/)
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
    const atlas = await emulator({ tokenLifetimeSeconds: 4, exportTimeline: [{ state: 'Queued' }, ...steps, { state: 'Successful' }] }, ctx)
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
      { tokenLifetimeSeconds: 3600, tokenRealLifetimeSeconds: 2, exportTimeline: [{ state: 'Queued' }, ...steps, { state: 'Successful' }] },
      ctx
    )
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.tokensIssued).toBeGreaterThanOrEqual(2)
    expect(atlas.apiRequests().filter(r => r.status === 401).length).toBe(atlas.tokensIssued - 1)
    expect(atlas.tokens.size).toBe(0)
  })

  test('a Digest nonce that rotates during the wait is re-challenged, nc restarting at 1', async ctx => {
    const steps = Array.from({ length: 5 }, () => ({ state: 'InProgress' }))
    const atlas = await emulator({ nonceMaxUses: 2, exportTimeline: [{ state: 'Queued' }, ...steps, { state: 'Successful' }] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.digest.noncesIssued).toBeGreaterThanOrEqual(4)
    const accepted = atlas
      .apiRequests()
      .filter(r => r.status === 200)
      .map(r => /nc=(\d{8})/.exec(String(r.headers.authorization))?.[1])
    expect(accepted).toEqual(['00000001', '00000002', '00000001', '00000002', '00000001', '00000002', '00000001', '00000002', '00000001'])
  })
})

describe.concurrent('the on-demand snapshot request', () => {
  test.for<[string, Fault]>([
    ['a 500 after Atlas took the snapshot', apiError(500, 'UNEXPECTED_ERROR')],
    ['a reset after Atlas took the snapshot', { reset: true }]
  ])('%s: found by its description (run and attempt), never a second', async ([_name, fault], ctx) => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: /\/backup\/snapshots$/, afterProcessing: true, fault })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    const onDemand = atlas.projects[0]!.clusters.find(c => c.name === 'cluster-989')!.snapshots.filter(s => s.description?.startsWith('atlas-snapshot-export:'))
    expect(onDemand).toHaveLength(1)
    expect(run.stdout).toContain(`Found snapshot ${onDemand[0]?.id} (queued) taken by that request: using it.`)
    expect(atlas.jobs.map(j => j.snapshotId)).toEqual([onDemand[0]?.id])
  })

  test('a 502 before Atlas saw it: nothing found, asked again, one snapshot', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: /\/backup\/snapshots$/, fault: apiError(502, 'BAD_GATEWAY') })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/Nothing was made: sending the snapshot request again; retry 1 of 5 in \d\.\ds\./)
    expect(
      atlas.projects[0]!.clusters.find(c => c.name === 'cluster-989')!.snapshots.filter(
        s => s.snapshotType === 'onDemand' && s.description?.startsWith('atlas-snapshot-export:')
      )
    ).toHaveLength(1)
  })
})
