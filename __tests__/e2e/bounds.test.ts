/**
 * Bounded in everything: what a server sends can never take the run past its bounds
 * (memory, time, text), and an answer fetch's Response cannot represent is still an answer.
 */
import { describe, expect, test } from 'vitest'
import {
  BUCKET_ID,
  CLUSTER,
  digestInputs,
  LATEST_SNAPSHOT_ID,
  standardProject
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { atlasTime } from '../../scripts/atlas-emulator/emulator.js'
import { apiError, EXPORTS, failureOf, hoursAgo, ONE_JOB, SNAPSHOTS, useEmulator } from './helpers.js'

const emulator = useEmulator()
/** The bundle with a heap far smaller than what the hostile answers would need. */
const smallHeap = { env: { NODE_OPTIONS: '--max-old-space-size=96' }, measurePeakMemory: true }
/**
 * A plain run peaks near 90 MiB resident (npm run bench), these runs at 95-135 MiB on Node 20,
 * 24 and 26; holding what the server sent (64 or 256 MiB) takes them past 270 MiB.
 */
const PEAK_MEMORY_BOUND_MIB = 200
const notFound = JSON.stringify({
  detail: 'No cluster named cluster-989 exists in group b0123456789abcdef012345b.',
  error: 404,
  errorCode: 'CLUSTER_NOT_FOUND',
  parameters: [],
  reason: 'Not Found'
})

describe.concurrent('bounded answers', () => {
  test('a body that never ends is an unreadable answer, read again; the run stays small and goes on', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'GET', path: SNAPSHOTS, fault: { endless: true } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }), smallHeap)
    // Buffers live outside the heap the flag caps: resident memory is what shows a body held.
    expect(run.peakMemoryMiB).toBeLessThan(PEAK_MEMORY_BOUND_MIB)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/larger than 16 MiB, which no Atlas answer is/)
    expect(atlas.jobs).toHaveLength(1)
  })

  test('a gzip answer that unpacks past the bound is unreadable too, and the wait goes on', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] }, ctx)
    atlas.inject({ method: 'GET', path: ONE_JOB, fault: { gzipZeros: 64 * 1024 * 1024 } })
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), smallHeap)
    expect(run.peakMemoryMiB).toBeLessThan(PEAK_MEMORY_BOUND_MIB)
    expect(run.exitCode).toBe(0)
    expect(run.outputs.state).toBe('Successful')
    expect(run.stdout).toContain('larger than 16 MiB')
  })
})

describe.concurrent('an answer fetch cannot represent is still an answer', () => {
  test.for(['404 Não encontrado', '404 Not Found'])(
    '%s: Atlas\'s error, at once, not "could not reach"',
    async (line, ctx) => {
      const atlas = await emulator({}, ctx)
      atlas.inject({ method: 'GET', path: SNAPSHOTS, times: 10, fault: { statusLine: line, body: notFound } })
      const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
      expect(run.exitCode).toBe(1)
      expect(failureOf(run).message).toBe(
        'Atlas API 404 CLUSTER_NOT_FOUND: No cluster named cluster-989 exists in group b0123456789abcdef012345b.'
      )
      expect(atlas.apiRequests({ method: 'GET', path: SNAPSHOTS }).filter(r => r.auth !== 'none')).toHaveLength(1)
    }
  )

  test('a status outside 200-599 is told with its number', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'GET', path: SNAPSHOTS, times: 10, fault: { statusLine: '600 Odd', body: '{}' } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^Atlas API 600/)
  })
})

describe.concurrent('settings that cannot work fail at once, naming what is wrong', () => {
  test.for<[string, Record<string, string>, string]>([
    [
      'a port that is not a number',
      { HTTPS_PROXY: 'http://proxy.corp:31a8' },
      "HTTPS_PROXY is 'http://proxy.corp:31a8': its port '31a8' is not a number"
    ],
    [
      'a host with a space',
      { HTTPS_PROXY: 'http://proxy corp:3128' },
      "HTTPS_PROXY is 'http://proxy corp:3128': it is not a URL"
    ],
    [
      'a SOCKS proxy',
      { https_proxy: 'socks5://127.0.0.1:1080' },
      "https_proxy is 'socks5://127.0.0.1:1080': socks5:// proxies are not supported"
    ]
  ])('a proxy with %s: before any request', async ([_what, env, message], ctx) => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url), { env })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain(message)
    expect(failureOf(run).title).toBe('Atlas export not started: an input is wrong')
    expect(atlas.requests).toEqual([])
  })

  test('a base-url with the API path in it says so, before any request', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'base-url': `${atlas.url}/api/atlas/v2/` }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain(
      `Input 'base-url' is Atlas's address without the API's path (the action adds /api/atlas/v2): use '${atlas.url}'`
    )
    expect(atlas.requests).toEqual([])
  })

  test('https:// to a plain-HTTP server is final at once, said plainly, not retried', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url.replace('http://', 'https://')))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain(
      'the server answered plain HTTP where HTTPS was asked (TLS: wrong version number)'
    )
    expect(run.stdout).not.toMatch(/retry \d+ of/)
  })

  test('a 3xx names its Location, and nothing follows it', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'GET',
      path: SNAPSHOTS,
      times: 10,
      fault: { status: 301, body: '', headers: { Location: 'https://elsewhere.example/api' } }
    })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain('Atlas API 301: redirected to https://elsewhere.example/api')
    expect(failureOf(run).message).toContain('check base-url')
  })
})

describe.concurrent('presentation never fails a run', () => {
  test('an Azure serviceUrl without a scheme: the job made, its outputs and the summary written, the URL shown plainly', async ctx => {
    const project = standardProject()
    project.buckets.push({
      _id: '6a79434200000000000000ac',
      bucketName: 'exportcontainer',
      cloudProvider: 'AZURE',
      roleId: 'c0123456789abcdef012345e',
      serviceUrl: 'examplestorageaccount.blob.core.windows.net',
      tenantId: '4a1f2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
    })
    const atlas = await emulator({ projects: [project] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'export-bucket-id': '6a79434200000000000000ac' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['export-url']).toBe(
      `examplestorageaccount.blob.core.windows.net/exportcontainer/${atlas.jobs[0]?.prefix}`
    )
    expect(run.summary).toMatch(/^## ✅|^## 🚀/)
    expect(run.summary).toContain('| Destination | `examplestorageaccount.blob.core.windows.net/exportcontainer/')
  })

  test('a summary file that cannot be written is a warning, not silence; the run is as it was', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url), { env: { GITHUB_STEP_SUMMARY: '/nonexistent-dir/summary' } })
    expect(run.exitCode).toBe(0)
    expect(run.annotations.filter(a => a.startsWith('::warning'))).toEqual([
      expect.stringMatching(/^::warning::No job summary written: /)
    ])
  })
})

describe.concurrent('wait-timeout bounds the whole run, the create included', () => {
  test.for<[string, Record<string, string>]>([
    ['429, Retry-After: 600', { 'Retry-After': '600' }],
    ['429, Retry-After: a date two hours ahead', { 'Retry-After': new Date(Date.now() + 7_200_000).toUTCString() }],
    ['429, Retry-After: 30 days', { 'Retry-After': String(30 * 24 * 3600) }]
  ])(
    '%s on the create, wait-timeout 20s: the run stops now, saying what Atlas asked',
    async ([_what, headers], ctx) => {
      const atlas = await emulator({}, ctx)
      atlas.inject({
        method: 'POST',
        path: EXPORTS,
        times: 100,
        fault: { ...apiError(429, 'RATE_LIMITED', 'Too many.'), headers }
      })
      const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '20s' }), { timeoutMs: 20_000 })
      expect(run.exitCode).toBe(1)
      expect(failureOf(run).message).toMatch(
        /^Atlas API 429 RATE_LIMITED: Too many\. \(Atlas asked to come back in \d+ s, after the run's wait-timeout: the run stops here; a re-run takes over whatever this run made\)/
      )
      expect(atlas.apiRequests({ method: 'POST', path: EXPORTS }).filter(r => r.auth !== 'none')).toHaveLength(1)
      expect(run.stderr).not.toContain('TimeoutOverflowWarning')
    }
  )

  test('503 with Retry-After: 3600 on the create: the same', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'POST',
      path: EXPORTS,
      fault: { ...apiError(503, 'SERVICE_UNAVAILABLE'), headers: { 'Retry-After': '3600' } }
    })
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '20s' }), { timeoutMs: 20_000 })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain('Atlas asked to come back in 3600 s')
  })

  test('a create never answered ends at about wait-timeout, its lost answer looked for once', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, times: 100, fault: { hang: true } })
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '3s', 'request-timeout': '30s' }), {
      timeoutMs: 40_000
    })
    expect(run.exitCode).toBe(1)
    // One attempt, abandoned at the deadline (not at its 30 s request timeout), then one look.
    expect(atlas.apiRequests({ method: 'POST', path: EXPORTS }).filter(r => r.auth !== 'none')).toHaveLength(1)
    expect(atlas.apiRequests({ method: 'GET', path: EXPORTS }).filter(r => r.auth !== 'none')).toHaveLength(2)
    expect(run.durationMs).toBeLessThan(25_000)
  })
})

describe.concurrent('the look after a lost create answer is bounded too', () => {
  test('a lost answer, then 429 Retry-After: 600 on the look: one look, the run ends near wait-timeout, no second create', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, afterProcessing: true, fault: apiError(500, 'UNEXPECTED_ERROR') })
    // The first list is the look before creating; the second, the look for what the lost create made.
    atlas.inject({
      method: 'GET',
      path: EXPORTS,
      after: 1,
      times: 100,
      fault: { ...apiError(429, 'RATE_LIMITED'), headers: { 'Retry-After': '600' } }
    })
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '5s', 'request-timeout': '2s' }), {
      timeoutMs: 60_000
    })
    expect(run.exitCode).toBe(1)
    expect(run.durationMs).toBeLessThan(20_000)
    expect(failureOf(run).message).toMatch(
      /^Atlas API 429 RATE_LIMITED: .*\(Atlas asked to come back in \d+ s, after the run's wait-timeout: the run stops here; a re-run takes over whatever this run made\)/
    )
    expect(atlas.apiRequests({ method: 'POST', path: EXPORTS }).filter(r => r.auth !== 'none')).toHaveLength(1)
  })
})

describe.concurrent("no decision from the runner's wall clock", () => {
  const inProgress = (n: number): Array<{ state: string }> => Array.from({ length: n }, () => ({ state: 'InProgress' }))

  test('the wall clock steps 2 hours ahead during a wait: the wait goes on to the end of the export', async ctx => {
    const atlas = await emulator(
      { exportTimeline: [{ state: 'Queued' }, ...inProgress(3), { state: 'Successful' }] },
      ctx
    )
    const run = await runAction(
      digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'wait-timeout': '30s' }),
      {
        clockStep: { afterMs: 1_500, byMs: 2 * 3_600_000 }
      }
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs.state).toBe('Successful')
  })

  test('the wall clock steps 1 hour back during a wait: wait-timeout still ends it on time', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, ...inProgress(1000)] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'wait-timeout': '3s' }),
      {
        clockStep: { afterMs: 1_000, byMs: -3_600_000 },
        timeoutMs: 30_000
      }
    )
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).title).toBe('Atlas export still running: the wait stopped (wait-timeout)')
    // Wide: a loaded machine is slow, never early; an hour's overrun is what this catches.
    expect(run.durationMs).toBeLessThan(20_000)
  })

  test('export-again, a lost answer beside a 30-second-old export: the job the request made is found, not the old one', async ctx => {
    const atlas = await emulator({}, ctx)
    const old = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: atlasTime(Date.now() - 30_000),
      state: 'Successful'
    })
    atlas.inject({ method: 'POST', path: EXPORTS, afterProcessing: true, fault: apiError(500, 'UNEXPECTED_ERROR') })
    const run = await runAction(digestInputs(atlas.url, { 'if-exported': 'export-again' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(2)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[1]?.id)
    expect(run.outputs['export-job-id']).not.toBe(old.id)
  })
})

describe.concurrent('lists read item by item', () => {
  test('an old export job whose state is null is left out; the run decides from the rest', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: hoursAgo(24),
      state: 'Successful',
      timeline: [{ state: null as unknown as string }]
    })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(2)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[1]?.id)
  })

  test('an Export Bucket of an unexpected shape does not hide the one asked for by name', async ctx => {
    const project = standardProject()
    project.buckets.unshift({ _id: 42, bucketName: null } as never)
    const atlas = await emulator({ projects: [project] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'export-bucket-id': '', 'export-bucket-name': 'test-bucket' })
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs['export-bucket-id']).toBe(BUCKET_ID)
  })

  test('a 3-day-old job in a state Atlas may add later (Expired) is not taken over: named in a warning, a new export made', async ctx => {
    const atlas = await emulator({}, ctx)
    const expired = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: hoursAgo(72),
      state: 'Expired'
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(2)
    expect(run.outputs['export-job-id']).not.toBe(expired.id)
    expect(run.annotations).toContain(
      `::warning::Export job ${expired.id} of this snapshot to this bucket is Expired, a state this action does not know: it is neither taken over nor reused.`
    )
  })

  test('a listing that repeats the same page fails, saying so, rather than deciding from part of it', async ctx => {
    const atlas = await emulator({}, ctx)
    const full = {
      links: [{ rel: 'next', href: 'x' }],
      results: Array.from({ length: 500 }, (_, i) => ({
        id: `6a7940002c88faeba5${String(i).padStart(6, '0')}`,
        status: 'completed',
        snapshotType: 'scheduled',
        createdAt: '2026-01-01T00:00:00Z'
      })),
      totalCount: 501
    }
    atlas.inject({
      method: 'GET',
      path: SNAPSHOTS,
      times: 100,
      fault: {
        status: 200,
        body: JSON.stringify(full),
        headers: { 'Content-Type': 'application/vnd.atlas.2023-01-01+json' }
      }
    })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      'Atlas sent the same page of snapshots twice (pages 1 and 2): the list cannot be read whole, and nothing is decided from part of it.'
    )
    expect(atlas.jobs).toHaveLength(0)
  })
})

describe.concurrent('text cut as text', () => {
  test('a workflow name with emoji: the description is cut on whole characters, and a lost answer finds its snapshot (one)', async ctx => {
    const atlas = await emulator({}, ctx)
    const prefix = "atlas-snapshot-export run 4242 attempt 1: on-demand snapshot for octo-org/backups, workflow '"
    // The 250th UTF-16 unit falls inside an emoji.
    const workflow = `${'a'.repeat(249 - prefix.length)}🎉🎉🎉 nightly`
    atlas.inject({ method: 'POST', path: SNAPSHOTS, afterProcessing: true, fault: apiError(500, 'UNEXPECTED_ERROR') })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }), {
      env: { GITHUB_WORKFLOW: workflow }
    })
    expect(run.exitCode).toBe(0)
    const onDemand =
      atlas.projects[0]?.clusters[0]?.snapshots.filter(s => s.description?.startsWith('atlas-snapshot-export')) ?? []
    expect(onDemand).toHaveLength(1)
    const description = onDemand[0]?.description ?? ''
    expect(description.length).toBeLessThanOrEqual(250)
    expect(description).not.toContain('\uFFFD')
    expect(description.endsWith(`${'a'.repeat(249 - prefix.length)}`)).toBe(true)
  })
})

describe.concurrent('bounded text', () => {
  test('a 2 MB error detail: the annotation and the summary clip it with a visible mark', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, fault: apiError(400, 'INVALID_EXPORT', 'd'.repeat(2 * 1024 * 1024)) })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    const { message } = failureOf(run)
    expect(message.length).toBeLessThan(10_000)
    expect(message).toMatch(/^Atlas API 400 INVALID_EXPORT: d+… \(\d+ more characters\)/)
    expect(run.summary.length).toBeLessThan(20_000)
    expect(run.summary).toMatch(/more characters\)/)
    expect(run.outputs['error-code']).toBe('INVALID_EXPORT')
  })

  test('a 5 MB job document: every output under 1 MB, the job output still JSON, the summary small', async ctx => {
    const atlas = await emulator({}, ctx)
    const seeded = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: atlasTime(Date.now() - 60_000),
      state: 'InProgress'
    })
    const huge = {
      id: seeded.id,
      exportBucketId: BUCKET_ID,
      snapshotId: LATEST_SNAPSHOT_ID,
      state: 'InProgress',
      prefix: 'p',
      customData: [{ key: 'k', value: 'v'.repeat(5 * 1024 * 1024) }]
    }
    atlas.inject({
      method: 'GET',
      path: ONE_JOB,
      fault: {
        status: 200,
        body: JSON.stringify(huge),
        headers: { 'Content-Type': 'application/vnd.atlas.2023-01-01+json' }
      }
    })
    const run = await runAction(digestInputs(atlas.url, { 'export-job-id': seeded.id, 'snapshot-id': '' }))
    expect(run.exitCode).toBe(0)
    for (const [name, value] of Object.entries(run.outputs))
      expect(Buffer.byteLength(value), name).toBeLessThan(1_000_000)
    const job = JSON.parse(run.outputs.job ?? '') as { id: string; customData: Array<{ value: string }> }
    expect(job.id).toBe(seeded.id)
    expect(job.customData[0]?.value).toMatch(/more characters\)$/)
    expect(run.summary.length).toBeLessThan(20_000)
  })
})
