/**
 * Every cluster of a project in one step (`cluster-name: '*'`): patterns, exclusions,
 * each cluster on its own, one sign-in, one bucket read, one summary and the `exports`
 * output, through the bundle.
 */
import { describe, expect, test } from 'vitest'
import { atlasTime, type AtlasEmulator } from '../../scripts/atlas-emulator/emulator.js'
import {
  BUCKET_ID,
  digestInputs,
  fleetNames,
  fleetProject,
  serviceAccountInputs
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction, type ActionRun } from '../../scripts/run-action.js'
import { ACCESS_DENIED, apiError, errorsOf, EXPORTS, posts, useEmulator } from './helpers.js'

const emulator = useEmulator()
const CLUSTER_LIST = /\/groups\/[0-9a-f]{24}\/clusters$/
const exportsOf = (run: ActionRun) => JSON.parse(run.outputs.exports ?? '[]') as Array<Record<string, string>>
const authed = (atlas: AtlasEmulator) => atlas.apiRequests().filter(r => r.auth !== 'none')
/** prod-a and prod-b can be exported; the other prod-* cannot; dev-a can. */
const mixed = () =>
  fleetProject(['prod-a', 'prod-off', 'prod-b', 'prod-paused', 'prod-free', 'dev-a'], {
    'prod-off': { backupEnabled: false },
    'prod-paused': { paused: true },
    'prod-free': { instanceSize: 'M0' }
  })

describe.concurrent('patterns pick the clusters that can be exported', () => {
  test('prod-*: the exportable ones, by name; the rest passed over and said why', async ctx => {
    const atlas = await emulator({ projects: [mixed()] }, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { 'cluster-name': 'prod-*', 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(exportsOf(run).map(e => [e.cluster, e.state, e.origin])).toEqual([
      ['prod-a', 'Queued', 'created'],
      ['prod-b', 'Queued', 'created']
    ])
    expect(atlas.jobs.map(j => j.clusterName).sort()).toEqual(['prod-a', 'prod-b'])
    expect(run.stdout).toContain(
      'Exporting 2 clusters: prod-a, prod-b; passed over: prod-free (shared tier), prod-off (backup off), prod-paused (paused).'
    )
    expect(run.summary).toContain(
      'Passed over: `prod-free` (shared tier), `prod-off` (backup off), `prod-paused` (paused)'
    )
    expect(run.summary).toMatch(/^## 🚀 Atlas snapshot export: 2 started, 3 skipped\n/)
    // One sign-in, one bucket read, one cluster list for the run; then per cluster its snapshots, its jobs, its create.
    expect(atlas.tokensIssued).toBe(1)
    expect(atlas.tokensRevoked).toBe(1)
    expect(authed(atlas).filter(r => CLUSTER_LIST.test(r.path))).toHaveLength(1)
    expect(authed(atlas).filter(r => /exportBuckets/.test(r.path))).toHaveLength(1)
    expect(authed(atlas)).toHaveLength(2 + 3 * 2)
    // Several clusters: the single-export outputs stay unset, error-code says none failed.
    expect(run.outputs['export-job-id']).toBeUndefined()
    expect(run.outputs['error-code']).toBe('')
  })

  test("'*' with an exclusion, names given exactly, one per line, # lines and commas", async ctx => {
    const atlas = await emulator({ projects: [mixed()] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'cluster-name': 'dev-a\n# all of prod\n*, !prod-b\n', 'snapshot-id': 'latest' })
    )
    expect(run.exitCode).toBe(0)
    // The order the entries give: dev-a first, then the pattern's matches by name; each once.
    expect(exportsOf(run).map(e => e.cluster)).toEqual(['dev-a', 'prod-a'])
  })

  test('an entry that picks nothing fails the run before anything is created, listing the clusters', async ctx => {
    const atlas = await emulator({ projects: [mixed()] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'cluster-name': 'prod-*\nstaging-*', 'snapshot-id': 'latest' })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toHaveLength(1)
    expect(run.stdout).toContain(
      "Input 'cluster-name': 'staging-*' picks no cluster that can be exported. The project's clusters: dev-a, prod-a, prod-b, prod-free (shared tier), prod-off (backup off), prod-paused (paused)."
    )
    expect(posts(atlas)).toEqual([])
    expect(authed(atlas).filter(r => /\/backup\//.test(r.path) && !/exportBuckets/.test(r.path))).toEqual([])
  })

  test('a single name asks exactly as before: no cluster list; exports has its one element', async ctx => {
    const atlas = await emulator({ projects: [mixed()] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': 'prod-a', 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(authed(atlas).filter(r => CLUSTER_LIST.test(r.path))).toEqual([])
    expect(exportsOf(run)).toEqual([
      expect.objectContaining({ cluster: 'prod-a', exportJobId: run.outputs['export-job-id'], origin: 'created' })
    ])
  })

  test('a snapshot id or export-job-id with several clusters is a bad input, before any request', async ctx => {
    const atlas = await emulator({ projects: [mixed()] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, {
        'cluster-name': 'prod-*',
        'snapshot-id': '6a7944f22c88faeba59d3572',
        'export-job-id': '6a7945592c88faeba59d5e8e'
      })
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain("Input 'snapshot-id' is a snapshot id, which belongs to one cluster")
    expect(run.stdout).toContain("Inputs 'export-job-id' and a 'cluster-name' of several clusters conflict")
    expect(atlas.requests).toEqual([])
  })
})

describe.concurrent('each cluster on its own', () => {
  test("one cluster's Atlas error and another's Failed job do not stop the rest; one annotation each, named", async ctx => {
    const names = fleetNames(4)
    const atlas = await emulator(
      { projects: [fleetProject(names)], exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] },
      ctx
    )
    atlas.inject({
      method: 'POST',
      path: /clusters\/fleet-001\/backup\/exports$/,
      fault: apiError(400, 'INVALID_EXPORT', 'No.')
    })
    const run = await runAction(
      serviceAccountInputs(atlas.url, {
        'cluster-name': 'fleet-*',
        'snapshot-id': 'latest',
        wait: 'true',
        'poll-interval': '1s'
      }),
      { env: {} }
    )
    expect(run.exitCode).toBe(1)
    const result = exportsOf(run)
    expect(result.map(e => [e.cluster, e.state, e.errorCode])).toEqual([
      ['fleet-000', 'Successful', ''],
      ['fleet-001', '', 'INVALID_EXPORT'],
      ['fleet-002', 'Successful', ''],
      ['fleet-003', 'Successful', '']
    ])
    expect(errorsOf(run)).toHaveLength(1)
    expect(errorsOf(run)).toEqual([
      { title: 'Atlas export failed: fleet-001', message: 'Atlas API 400 INVALID_EXPORT: No.' }
    ])
    expect(run.outputs['error-code']).toBe('INVALID_EXPORT')
    expect(run.summary).toMatch(/^## ❌ Atlas snapshot export: 3 exported, 1 failed\n/)
    expect(run.summary).toContain('### `fleet-001`')
    expect(atlas.tokensIssued).toBe(1)
  })

  test('a Failed job of one cluster is its own failure, with its stateReason; the others end Successful', async ctx => {
    const names = fleetNames(3)
    const atlas = await emulator(
      { projects: [fleetProject(names)], exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] },
      ctx
    )
    // An export of fleet-001 already running, that is going to fail: the run takes it over.
    const running = atlas.seedJob({
      clusterName: 'fleet-001',
      snapshotId: '6a7950000001c88faeba59d0',
      exportBucketId: BUCKET_ID,
      createdAt: atlasTime(Date.now() - 60_000),
      state: 'InProgress',
      timeline: [{ state: 'InProgress' }, { state: 'Failed', stateReason: ACCESS_DENIED }]
    })
    const run = await runAction(
      digestInputs(atlas.url, {
        'cluster-name': 'fleet-*',
        'snapshot-id': 'latest',
        wait: 'true',
        'poll-interval': '1s'
      })
    )
    expect(run.exitCode).toBe(1)
    expect(exportsOf(run).map(e => [e.cluster, e.state, e.origin, e.errorCode])).toEqual([
      ['fleet-000', 'Successful', 'created', ''],
      ['fleet-001', 'Failed', 'taken-over', 'EXPORT_BUCKET_ACCESS_DENIED'],
      ['fleet-002', 'Successful', 'created', '']
    ])
    expect(errorsOf(run)).toEqual([
      {
        title: 'Atlas export job Failed: fleet-001',
        message: `Export job ${running.id} ended Failed: EXPORT_BUCKET_ACCESS_DENIED: Atlas could not write to the bucket.`
      }
    ])
  })

  test('twelve failed clusters: ten annotations naming each, then one counting the other two', async ctx => {
    const names = fleetNames(12)
    const atlas = await emulator({ projects: [fleetProject(names)] }, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, times: 100, fault: apiError(400, 'INVALID_EXPORT', 'No.') })
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': '*', 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toHaveLength(11)
    expect(
      errorsOf(run)
        .slice(0, 10)
        .map(e => e.title)
    ).toEqual(fleetNames(10).map(n => `Atlas export failed: ${n}`))
    expect(errorsOf(run)[10]).toEqual({
      title: 'Atlas export failed: 2 more clusters',
      message: 'Also failed: fleet-010, fleet-011 (each in the job summary and the exports output).'
    })
    expect(run.summary.length).toBeLessThan(64 * 1024)
  })

  test('what concerns every cluster (the bucket) fails once, and no cluster is worked', async ctx => {
    const atlas = await emulator({ projects: [fleetProject(fleetNames(5))] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, {
        'cluster-name': '*',
        'snapshot-id': 'latest',
        'export-bucket-id': '6a79999900000000000000ff'
      })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toHaveLength(1)
    expect(errorsOf(run)[0]?.message).toContain('EXPORT_BUCKET_NOT_FOUND')
    expect(exportsOf(run)).toEqual([])
    expect(authed(atlas).filter(r => /\/clusters/.test(r.path))).toEqual([])
  })
})

describe.concurrent('re-runs export only what is missing', () => {
  test('a second run reuses every Successful export; start now, wait later takes the active ones over', async ctx => {
    const names = fleetNames(3)
    const atlas = await emulator({ projects: [fleetProject(names)] }, ctx)
    const inputs = { 'cluster-name': '*', 'snapshot-id': 'latest', 'poll-interval': '1s' }
    const start = await runAction(digestInputs(atlas.url, inputs))
    expect(start.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(3)
    const later = await runAction(digestInputs(atlas.url, { ...inputs, wait: 'true' }))
    expect(later.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(3)
    expect(exportsOf(later).map(e => [e.state, e.origin])).toEqual(Array(3).fill(['Successful', 'taken-over']))
    const again = await runAction(digestInputs(atlas.url, inputs))
    expect(exportsOf(again).map(e => e.origin)).toEqual(['reused', 'reused', 'reused'])
    expect(again.summary).toMatch(/^## ✅ Atlas snapshot export: 3 exported\n/)
    expect(atlas.jobs).toHaveLength(3)
  })
})

describe.concurrent('side by side, politely', () => {
  test('Digest: one challenge for the whole fleet, nc only increasing (the emulator checks it strictly)', async ctx => {
    const atlas = await emulator({ projects: [fleetProject(fleetNames(6))] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'cluster-name': '*', 'snapshot-id': 'latest', wait: 'true', 'poll-interval': '1s' })
    )
    expect(run.exitCode).toBe(0)
    expect(atlas.requests.filter(r => r.auth === 'none' && r.status === 401)).toHaveLength(1)
    expect(exportsOf(run).every(e => e.state === 'Successful')).toBe(true)
  })

  test("a 429 slows the whole run as its Retry-After says: the other clusters' requests wait it out too", async ctx => {
    const atlas = await emulator({ projects: [fleetProject(fleetNames(20))] }, ctx)
    atlas.inject({
      method: 'GET',
      path: /clusters\/fleet-002\/backup\/snapshots$/,
      fault: { ...apiError(429, 'RATE_LIMITED'), headers: { 'Retry-After': '3' } }
    })
    const run = await runAction(serviceAccountInputs(atlas.url, { 'cluster-name': '*', 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(20)
    const limitedAt = atlas.requests.find(r => r.status === 429)?.at ?? 0
    const since = atlas.requests
      .filter(r => r.at > limitedAt && r.path !== '/api/oauth/revoke')
      .map(r => r.at - limitedAt)
    // What was in flight when the 429 came lands at once; nothing else comes before the 3 s are up,
    // and most of the fleet's work comes after them (without the pause it would all be done by then).
    expect(since.filter(ms => ms > 1_500 && ms < 3_000)).toEqual([])
    expect(since.filter(ms => ms >= 3_000).length).toBeGreaterThanOrEqual(30)
  })
})

describe.concurrent('waiting on a fleet', () => {
  test('polls are spread over the interval, and every line about a cluster starts with its name', async ctx => {
    const names = fleetNames(4)
    const atlas = await emulator({ projects: [fleetProject(names)] }, ctx)
    const run = await runAction(
      serviceAccountInputs(atlas.url, {
        'cluster-name': '*',
        'snapshot-id': 'latest',
        wait: 'true',
        'poll-interval': '4s'
      })
    )
    expect(run.exitCode).toBe(0)
    const firstPolls = atlas.jobs.map(
      job => atlas.requests.find(r => r.method === 'GET' && r.path.endsWith(`/exports/${job.id}`))?.at ?? 0
    )
    const created = Math.max(...atlas.requests.filter(r => r.method === 'POST' && EXPORTS.test(r.path)).map(r => r.at))
    // The i-th of 4 clusters polls first after (i + 1) / 4 of the interval: 1 s, 2 s, 3 s, 4 s.
    const offsets = firstPolls.map(at => at - created).sort((a, b) => a - b)
    for (let i = 1; i < offsets.length; i++)
      expect((offsets[i] ?? 0) - (offsets[i - 1] ?? 0)).toBeGreaterThanOrEqual(700)
    const events = run.stdout
      .split('\n')
      .filter(line => /Created export job|Queued → InProgress|is Successful; files under/.test(line))
    expect(events).toHaveLength(3 * names.length)
    for (const line of events) expect(line).toMatch(/^fleet-00\d: /)
    // No per-cluster heartbeat: the fleet line says how the fleet stands.
    expect(run.stdout).not.toMatch(/still (Queued|InProgress) after/)
  })
})

describe.concurrent('dry run and cancel', () => {
  test('a dry run lists what each cluster would do, and creates nothing', async ctx => {
    const atlas = await emulator({ projects: [fleetProject(fleetNames(3))] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'cluster-name': '*', 'snapshot-id': 'latest', 'dry-run': 'true' })
    )
    expect(run.exitCode).toBe(0)
    expect(atlas.apiRequests({ method: 'POST' })).toEqual([])
    expect(run.summary).toMatch(/^## 🧪 Atlas snapshot export: 3 would be exported\n/)
    expect(run.summary.match(/\| would create \|/g)).toHaveLength(3)
  })

  test("a cancel names every cluster's job in the summary; the token goes back once", async ctx => {
    const names = fleetNames(3)
    const atlas = await emulator(
      {
        projects: [fleetProject(names)],
        exportTimeline: [{ state: 'Queued' }, ...Array(50).fill({ state: 'InProgress' })]
      },
      ctx
    )
    const run = await runAction(
      serviceAccountInputs(atlas.url, {
        'cluster-name': '*',
        'snapshot-id': 'latest',
        wait: 'true',
        'poll-interval': '1s'
      }),
      { cancelWhen: { log: /Queued → InProgress/, signal: 'SIGINT' } }
    )
    expect(run.exitCode).toBe(130)
    expect(run.summary).toContain('export jobs go on in Atlas (each named below); a re-run takes them over.')
    for (const job of atlas.jobs) expect(run.summary).toContain(job.id)
    expect(atlas.tokensIssued).toBe(1)
    expect(atlas.tokensRevoked).toBe(1)
  })
})

describe('at the scale Atlas allows', () => {
  test('100 clusters: requests at the protocol minimum, one token, a summary well under 1 MiB', async ctx => {
    const atlas = await emulator({ projects: [fleetProject(fleetNames(100))] }, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { 'cluster-name': '*', 'snapshot-id': 'latest' }), {
      timeoutMs: 120_000
    })
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(100)
    // token + bucket + one page of clusters + per cluster (snapshots, jobs, create) + revoke.
    expect(atlas.requests).toHaveLength(1 + 1 + 1 + 3 * 100 + 1)
    expect(atlas.tokensIssued).toBe(1)
    expect(run.summary.length).toBeLessThan(100 * 1024)
    expect(exportsOf(run)).toHaveLength(100)
    // One line per cluster and event, not pages of them.
    expect(run.stdout.split('\n').filter(l => !l.startsWith('::debug')).length).toBeLessThan(100 * 3 + 40)
  }, 120_000)
})
