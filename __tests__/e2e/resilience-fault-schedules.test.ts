/**
 * Randomized fault schedules through the bundle. A seeded generator puts several faults
 * on every route a run touches (5xx, 429, resets, hangs past the request timeout,
 * cut-off bodies, unreadable 2xx, lost create answers, endless and compressed bodies,
 * odd status lines, huge text), some passing and some persistent (a long Retry-After
 * among them); it may also put odd items in the lists the run reads and step the
 * runner's wall clock. Every run must keep the invariants below.
 *
 * FAULT_SEED=<n> replays a run of schedules (each schedule's own seed is printed when it
 * fails); FAULT_SEED=random draws a new one; FAULT_SCHEDULES=<n> runs more.
 */
import { describe, expect, test } from 'vitest'
import type { AtlasEmulator, EmuSnapshot, Fault, FaultRule } from '../../scripts/atlas-emulator/emulator.js'
import { runAction, type ActionRun, type RunOptions } from '../../scripts/run-action.js'
import {
  API_KEY,
  BUCKET_ID,
  CLUSTER,
  digestInputs,
  LATEST_SNAPSHOT_ID,
  SERVICE_ACCOUNT,
  serviceAccountInputs
} from '../../scripts/atlas-emulator/scenario.js'
import { hoursAgo, useEmulator, visibleLog } from './helpers.js'

const emulator = useEmulator()
const BASE_SEED =
  process.env.FAULT_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FAULT_SEED ?? 20261201)
const SCHEDULES = Number(process.env.FAULT_SCHEDULES ?? 120)
const PASSING_WAIT_TIMEOUT_S = 60
const PERSISTENT_WAIT_TIMEOUT_S = 5
// Past wait-timeout: the request in flight (request-timeout 2 s), a lost create answer's one
// look, the token given back, and a loaded machine's start.
const SLACK_MS = 12_000

/** mulberry32: small, seeded, good enough to draw schedules. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

interface Route {
  readonly name: string
  readonly method: string
  readonly path: RegExp
  /** OAuth endpoints answer before any Admin API authentication. */
  readonly oauth?: boolean
  /** A create: its answer can be lost after Atlas acted. */
  readonly create?: boolean
}

const ROUTES: Route[] = [
  { name: 'create export', method: 'POST', path: /\/backup\/exports$/, create: true },
  { name: 'list exports', method: 'GET', path: /\/backup\/exports$/ },
  { name: 'get export', method: 'GET', path: /\/backup\/exports\/[0-9a-f]{24}$/ },
  { name: 'list snapshots', method: 'GET', path: /\/backup\/snapshots$/ },
  { name: 'take snapshot', method: 'POST', path: /\/backup\/snapshots$/, create: true },
  { name: 'get snapshot', method: 'GET', path: /\/backup\/snapshots\/[0-9a-f]{24}$/ },
  { name: 'get bucket', method: 'GET', path: /\/backup\/exportBuckets\/[0-9a-f]{24}$/ },
  { name: 'list buckets', method: 'GET', path: /\/backup\/exportBuckets$/ },
  { name: 'token', method: 'POST', path: /\/api\/oauth\/token$/, oauth: true }
]

const apiError = (status: number, errorCode: string): Fault => ({
  status,
  body: JSON.stringify({ detail: `${errorCode} (injected)`, error: status, errorCode, parameters: [], reason: '' }),
  headers: { 'X-Error-Code': errorCode }
})

const FAULTS: Array<[string, Fault]> = [
  ['503', apiError(503, 'SERVICE_UNAVAILABLE')],
  [
    '429',
    {
      ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'),
      headers: { 'X-Error-Code': 'RATE_LIMITED_TOKEN_BUCKET', 'Retry-After': '1' }
    }
  ],
  ['500', apiError(500, 'UNEXPECTED_ERROR')],
  [
    '502 html',
    { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', headers: { 'Content-Type': 'text/html' } }
  ],
  ['504', apiError(504, 'GATEWAY_TIMEOUT')],
  ['reset', { reset: true }],
  ['hang', { hang: true }],
  [
    'cut-off body',
    { truncated: '{"id":"6a7945592c88faeba59d5e8e","state":"InProgress","exportBucketId":"6a793f752c88faeba59bba56"}' }
  ],
  ['200 html', { status: 200, body: '<html>Session expired</html>', headers: { 'Content-Type': 'text/html' } }],
  ['200 wrong shape', { status: 200, body: '{"ok":true}' }],
  // What a server may send that no Atlas answer is (issue 19's classes): all passing trouble.
  ['endless body', { endless: true }],
  ['gzip past the bound', { gzipZeros: 20 * 1024 * 1024 }],
  [
    '503 Latin-1 reason',
    { statusLine: '503 Serviço indisponível', body: JSON.stringify({ error: 503, errorCode: 'SERVICE_UNAVAILABLE' }) }
  ],
  [
    '503 huge detail',
    { ...apiError(503, 'SERVICE_UNAVAILABLE'), body: JSON.stringify({ error: 503, detail: 'x'.repeat(1024 * 1024) }) }
  ]
]

/** Trouble that cannot pass within a run: drawn only for good, where the run must end red on time. */
const FOR_GOOD: Array<[string, Fault]> = [
  [
    '429 Retry-After: 600',
    { ...apiError(429, 'RATE_LIMITED'), headers: { 'X-Error-Code': 'RATE_LIMITED', 'Retry-After': '600' } }
  ],
  [
    '503 Retry-After: 30 days',
    { ...apiError(503, 'SERVICE_UNAVAILABLE'), headers: { 'Retry-After': String(30 * 24 * 3600) } }
  ],
  ['status 600', { statusLine: '600 Odd', body: '{}' }],
  [
    '404 Latin-1 reason',
    { statusLine: '404 Não encontrado', body: JSON.stringify({ error: 404, errorCode: 'NOT_FOUND' }) }
  ]
]

/** Items Atlas's lists may hold that the run cannot use: each is skipped, the rest decided from. */
interface OddItems {
  readonly jobs: boolean
  readonly snapshot: boolean
  readonly bucket: boolean
}

function putOddItems(atlas: AtlasEmulator, odd: OddItems): void {
  if (odd.jobs) {
    const earlier = {
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: hoursAgo(24)
    }
    atlas.seedJob({ ...earlier, state: 'Successful', timeline: [{ state: null as unknown as string }] })
    atlas.seedJob({ ...earlier, state: 'Expired' })
  }
  const project = atlas.projects[0]
  if (odd.snapshot) {
    // Newer than every snapshot, with no status: never the `latest`.
    const odd = { id: '6a79ffff2c88faeba59d0000', status: null, snapshotType: 'scheduled' }
    project?.clusters[0]?.snapshots.unshift(odd as unknown as EmuSnapshot)
  }
  if (odd.bucket) project?.buckets.unshift({ _id: 42, bucketName: null } as never)
}

type ClockStep = NonNullable<RunOptions['clockStep']>

interface Schedule {
  readonly seed: number
  readonly persistent: boolean
  readonly inputs: Record<string, string>
  readonly serviceAccount: boolean
  readonly rules: FaultRule[]
  readonly odd: OddItems
  readonly clockStep: ClockStep | undefined
  readonly text: string[]
}

function draw(seed: number): Schedule {
  const random = prng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const serviceAccount = random() < 0.5
  const snapshot = pick(['latest', 'latest', LATEST_SNAPSHOT_ID, 'new'])
  const wait = random() < 0.6
  const persistent = random() < 0.25
  const byName = random() < 0.3
  const extra = {
    ...(byName ? { 'export-bucket-id': '', 'export-bucket-name': 'test-bucket' } : {}),
    'snapshot-id': snapshot,
    wait: String(wait),
    'poll-interval': '1s',
    'request-timeout': '2s',
    'wait-timeout': `${persistent ? PERSISTENT_WAIT_TIMEOUT_S : PASSING_WAIT_TIMEOUT_S}s`
  }
  const inputs = serviceAccount ? serviceAccountInputs('', extra) : digestInputs('', extra)
  const routes = ROUTES.filter(
    r =>
      (serviceAccount || !r.oauth) &&
      (snapshot === 'new' || !/snapshot$/.test(r.name)) &&
      (wait || r.name !== 'get export') &&
      (byName ? r.name !== 'get bucket' : r.name !== 'list buckets')
  )
  const rules: FaultRule[] = []
  const text: string[] = []
  // Passing trouble: at most four failures on a route, fewer than the six attempts of any call.
  // The token is asked for by whichever call first needs it, within that call's attempts:
  // the token's failures count on every route.
  const failures = new Map<string, number>()
  const spent = (r: string): number => (failures.get(r) ?? 0) + (r === 'token' ? 0 : (failures.get('token') ?? 0))
  const count = 1 + Math.floor(random() * 5)
  for (let i = 0; i < count; i++) {
    const route = pick(routes)
    const [name, fault] = pick(FAULTS)
    const times = 1 + Math.floor(random() * 2)
    const hit = route.oauth ? routes.map(r => r.name) : [route.name]
    if (hit.some(r => spent(r) + times > 4)) continue
    failures.set(route.name, (failures.get(route.name) ?? 0) + times)
    // A 429 is Atlas's rate limit turning the request away before any work: never a lost answer.
    const lost = !!route.create && !persistent && !name.startsWith('429') && random() < 0.5
    const beforeAuth = !!route.oauth || (!lost && random() < 0.2)
    rules.push({
      method: route.method,
      path: route.path,
      times,
      after: Math.floor(random() * 2),
      beforeAuth,
      afterProcessing: lost,
      fault
    })
    text.push(
      `${name} ×${times} on ${route.name}${lost ? ' (after Atlas acted)' : ''}${beforeAuth && !route.oauth ? ' (before auth)' : ''}`
    )
  }
  if (persistent) {
    const route = pick(routes)
    const [name, fault] = pick([...FAULTS.filter(([n]) => n !== 'hang'), ...FOR_GOOD])
    rules.push({ method: route.method, path: route.path, times: 10_000, beforeAuth: !!route.oauth, fault })
    text.push(`${name} for good on ${route.name}`)
  }
  const odd = { jobs: random() < 0.2, snapshot: random() < 0.2, bucket: random() < 0.2 }
  for (const [list, there] of Object.entries(odd)) if (there) text.push(`odd items in the ${list} list`)
  const clockStep =
    random() < 0.2
      ? { afterMs: Math.floor(random() * 3_000), byMs: pick([2 * 3_600_000, -3_600_000, 30 * 86_400_000]) }
      : undefined
  if (clockStep) text.push(`the wall clock steps ${clockStep.byMs / 60_000} min after ${clockStep.afterMs} ms`)
  return { seed, persistent, inputs, serviceAccount, rules, odd, clockStep, text }
}

function check(schedule: Schedule, atlas: AtlasEmulator, run: ActionRun): void {
  // ::add-mask:: is how a secret is handed to the runner to hide, never shown.
  const log = (run.stdout + run.stderr)
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const onDemand = atlas.projects
    .flatMap(p => p.clusters)
    .flatMap(c => c.snapshots)
    .filter(s => s.description?.startsWith('atlas-snapshot-export run'))
  const made = atlas.jobs.slice(schedule.odd.jobs ? 2 : 0)
  expect(made.length, 'at most one export job').toBeLessThanOrEqual(1)
  expect(onDemand.length, 'at most one on-demand snapshot').toBeLessThanOrEqual(1)
  if (!schedule.persistent) {
    expect(run.exitCode, 'passing trouble fails no run').toBe(0)
    expect(made, 'a green run made its job').toHaveLength(1)
  } else {
    expect([0, 1], 'a clean exit code').toContain(run.exitCode)
  }
  const errors = run.stdout.split('\n').filter(line => line.startsWith('::error'))
  expect(errors, 'one annotation when red, none when green').toHaveLength(run.exitCode === 0 ? 0 : 1)
  // Red: either a failure, or a wait that ran out while the export goes on.
  if (run.exitCode !== 0)
    expect(errors[0]).toMatch(
      /^::error title=Atlas export (failed|still running%3A the wait stopped \(wait-timeout\))::./
    )
  const job = made[0]
  if (job && (run.exitCode === 0 || schedule.inputs.wait === 'true')) {
    expect(run.outputs['export-job-id'], 'outputs name the job').toBe(job.id)
  }
  if (schedule.serviceAccount && !schedule.rules.some(r => r.path?.source.includes('revoke'))) {
    expect(atlas.tokens.size, 'every token given back').toBe(0)
  }
  for (const secret of [API_KEY.privateKey, SERVICE_ACCOUNT.clientSecret, ...atlas.issuedTokens]) {
    expect(log.includes(secret), 'no secret in the log').toBe(false)
  }
  expect(visibleLog(run), 'no stack trace').not.toMatch(/\n\s+at |node:internal|index\.js:\d+/)
  const timeoutMs = Number(schedule.inputs['wait-timeout']?.replace('s', '')) * 1000
  expect(run.durationMs, 'ends within wait-timeout').toBeLessThan(timeoutMs + SLACK_MS)
}

describe.concurrent(`${SCHEDULES} fault schedules from seed ${BASE_SEED}`, () => {
  test.for(Array.from({ length: SCHEDULES }, (_, i) => BASE_SEED + i))('seed %i', async (seed, ctx) => {
    const schedule = draw(seed)
    const atlas = await emulator(
      {
        exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'Successful' }],
        snapshotTimeline: [{ status: 'completed' }]
      },
      ctx
    )
    for (const rule of schedule.rules) atlas.inject(rule)
    putOddItems(atlas, schedule.odd)
    const run = await runAction(
      { ...schedule.inputs, 'base-url': atlas.url },
      { timeoutMs: 90_000, ...(schedule.clockStep ? { clockStep: schedule.clockStep } : {}) }
    )
    try {
      check(schedule, atlas, run)
    } catch (error) {
      const replay = `FAULT_SEED=${seed} FAULT_SCHEDULES=1 npx vitest run __tests__/e2e/resilience-fault-schedules.test.ts`
      throw new Error(
        `${(error as Error).message}\nschedule (seed ${seed}; replay: ${replay}):\n- ${schedule.text.join('\n- ')}\n${run.stdout}${run.stderr}`,
        {
          cause: error
        }
      )
    }
  })
})
