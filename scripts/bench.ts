/**
 * `npm run bench`: requests against the protocol's minimum, cold start against a bare
 * Node script, peak memory against a plain run, bundle size; all measured against the
 * local emulator in this one run.
 * `npm run bench -- --quick` (CI): one iteration, and a non-zero exit when any
 * scenario spends a request over its minimum. Timings are reported, never asserted.
 * `npm run bench -- --write` also writes docs/performance.md: the figures the docs give
 * come from here, never typed by hand.
 */
import { spawn } from 'node:child_process'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startEmulator, type AtlasEmulator, type EmulatorOptions } from './atlas-emulator/emulator.js'
import { BUNDLE, ROOT, runAction } from './run-action.js'
import {
  API_KEY,
  BUCKET_ID,
  CLUSTER,
  LATEST_SNAPSHOT_ID,
  PROJECT_ID,
  digestInputs,
  fleetNames,
  fleetProject,
  serviceAccountInputs,
  standardOptions
} from './atlas-emulator/scenario.js'

const quick = process.argv.includes('--quick')
const iterations = quick ? 1 : 9
const DEFAULT_POLL_SECONDS = 30

interface Row {
  readonly scenario: string
  readonly requests: number
  readonly minimum: number
}

async function withEmulator<T>(extra: EmulatorOptions, fn: (atlas: AtlasEmulator) => Promise<T>): Promise<T> {
  const atlas = await startEmulator(standardOptions(extra))
  try {
    return await fn(atlas)
  } finally {
    await atlas.close()
  }
}

async function requestsFor(
  scenario: string,
  minimum: number,
  inputs: (url: string) => Record<string, string>,
  { seed, ...extra }: EmulatorOptions & { seed?: (atlas: AtlasEmulator) => void } = {}
): Promise<Row> {
  return withEmulator(extra, async atlas => {
    seed?.(atlas)
    const run = await runAction(inputs(atlas.url))
    if (run.exitCode !== 0) throw new Error(`${scenario}: the run failed\n${run.stdout}`)
    return { scenario, requests: atlas.requests.length, minimum }
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function timeBaseline(url: string): Promise<number> {
  const env = {
    ...process.env,
    ATLAS_URL: url,
    ATLAS_PUBLIC_KEY: API_KEY.publicKey,
    ATLAS_PRIVATE_KEY: API_KEY.privateKey,
    ATLAS_PROJECT_ID: PROJECT_ID,
    ATLAS_CLUSTER: CLUSTER,
    ATLAS_SNAPSHOT_ID: LATEST_SNAPSHOT_ID,
    ATLAS_BUCKET_ID: BUCKET_ID
  }
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'bench-baseline.mjs')], { env, stdio: 'ignore' })
  return new Promise((resolve, reject) =>
    child.on('close', code =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`baseline exited ${code}`))
    )
  )
}

async function coldStart(): Promise<{ bundle: number; baseline: number }> {
  return withEmulator({}, async atlas => {
    const bundle: number[] = []
    const baseline: number[] = []
    // Alternate the two so that a busy moment of the machine falls on both alike.
    for (let i = 0; i < iterations + 1; i++) {
      atlas.jobs.length = 0
      const run = await runAction(digestInputs(atlas.url))
      if (run.exitCode !== 0) throw new Error(`cold start: the run failed\n${run.stdout}`)
      atlas.jobs.length = 0
      const base = await timeBaseline(atlas.url)
      // The first pair warms the file cache and is not counted.
      if (i > 0) {
        bundle.push(run.durationMs)
        baseline.push(base)
      }
    }
    return { bundle: median(bundle), baseline: median(baseline) }
  })
}

const FOLLOWED_JOB = '6a7945592c88faeba59d5e8e'
/** An earlier run's Successful export of the snapshot to the bucket. */
function alreadyExported(atlas: AtlasEmulator): void {
  const job = atlas.seedJob({
    clusterName: CLUSTER,
    snapshotId: LATEST_SNAPSHOT_ID,
    exportBucketId: BUCKET_ID,
    createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    state: 'Successful'
  })
  job.id = FOLLOWED_JOB
}

const POLLS = 4
const waitingTimeline = [
  { state: 'Queued' },
  ...Array.from({ length: POLLS - 1 }, () => ({ state: 'InProgress' })),
  { state: 'Successful' }
]

// Every run reads its bucket once (where the export lands: name, cloud) and, before
// creating, looks at the export list once (is this snapshot already exported there?):
// both are part of the minimum of every scenario.
const rows: Row[] = [
  await requestsFor('API key (Digest), explicit snapshot: challenge + bucket + export list + POST', 4, url =>
    digestInputs(url)
  ),
  await requestsFor('API key (Digest), `latest`: challenge + bucket + snapshot list + export list + POST', 5, url =>
    digestInputs(url, { 'snapshot-id': 'latest' })
  ),
  await requestsFor('API key (Digest), bucket by name: challenge + bucket list + export list + POST', 4, url =>
    digestInputs(url, { 'export-bucket-id': '', 'export-bucket-name': 'test-bucket' })
  ),
  await requestsFor('service account: token + bucket + export list + POST + revoke', 5, url =>
    serviceAccountInputs(url)
  ),
  await requestsFor(
    `API key, waiting ${POLLS} polls: 4 + 1 per poll`,
    4 + POLLS,
    url => digestInputs(url, { wait: 'true', 'poll-interval': '1s' }),
    {
      exportTimeline: waitingTimeline
    }
  ),
  await requestsFor(
    `service account, waiting ${POLLS} polls: 5 + 1 per poll`,
    5 + POLLS,
    url => serviceAccountInputs(url, { wait: 'true', 'poll-interval': '1s' }),
    { exportTimeline: waitingTimeline }
  ),
  await requestsFor(
    'API key, already exported (if-exported: reuse): challenge + bucket + export list',
    3,
    url => digestInputs(url),
    { seed: alreadyExported }
  ),
  await requestsFor(
    'API key, export-job-id without wait: challenge + the job + its bucket',
    3,
    url => digestInputs(url, { 'export-job-id': FOLLOWED_JOB, 'snapshot-id': '' }),
    { seed: alreadyExported }
  )
]
// A fleet: token + bucket + one page of clusters + revoke, then per cluster its snapshot
// list, its export list and its create, and one request per poll per active job.
const fleet = { 'cluster-name': '*', 'snapshot-id': 'latest' }
const fleetOptions = (n: number, extra: EmulatorOptions = {}) => ({ projects: [fleetProject(fleetNames(n))], ...extra })
const fleetTimes: Array<[number, number]> = []
for (const n of [25, 100]) {
  const started = Date.now()
  rows.push(
    await requestsFor(
      `fleet of ${n} clusters (service account, \`*\`): 4 + 3 per cluster`,
      4 + 3 * n,
      url => serviceAccountInputs(url, fleet),
      fleetOptions(n)
    )
  )
  fleetTimes.push([n, Date.now() - started])
}
rows.push(
  await requestsFor(
    `fleet of 25 clusters waiting ${POLLS} polls each: 4 + 3 per cluster + 1 per poll`,
    4 + 3 * 25 + 25 * POLLS,
    url => serviceAccountInputs(url, { ...fleet, wait: 'true', 'poll-interval': '1s' }),
    fleetOptions(25, { exportTimeline: waitingTimeline })
  )
)

/**
 * Runner time: N clusters whose exports take EXPORT_S each (Atlas moves them with time),
 * as one fleet run, against N single runs as a matrix would spend it (each job waits on
 * its own export; runner time adds up whether they run at once or not).
 */
async function runnerTime(n: number): Promise<{ fleetMs: number; matrixMs: number }> {
  const timeline = {
    exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'Successful' }],
    timelineStepMs: 1_500
  }
  const waiting = { 'snapshot-id': 'latest', wait: 'true', 'poll-interval': '1s' }
  const fleetMs = await withEmulator(fleetOptions(n, timeline), async atlas => {
    const run = await runAction(serviceAccountInputs(atlas.url, { ...waiting, 'cluster-name': '*' }))
    if (run.exitCode !== 0) throw new Error(`fleet run failed\n${run.stdout}`)
    return run.durationMs
  })
  let matrixMs = 0
  for (const name of fleetNames(n)) {
    matrixMs += await withEmulator(fleetOptions(n, timeline), async atlas => {
      const run = await runAction(serviceAccountInputs(atlas.url, { ...waiting, 'cluster-name': name }))
      if (run.exitCode !== 0) throw new Error(`single run failed\n${run.stdout}`)
      return run.durationMs
    })
  }
  return { fleetMs, matrixMs }
}
const RUNNER_CLUSTERS = quick ? 4 : 10
const { fleetMs, matrixMs } = await runnerTime(RUNNER_CLUSTERS)

/**
 * Peak resident memory of the bundle's process (getrusage maxrss) when a server sends what
 * no Atlas answer is, against a plain run measured here: what one answer may hold is bounded
 * (16 MiB, before and after decompression), whatever the server sends.
 */
interface MemoryRow {
  readonly scenario: string
  readonly peakMiB: number
}
const SNAPSHOT_LIST = /\/backup\/snapshots$/
const EXPORT_LIST = /\/backup\/exports$/
const ONE_JOB = /\/backup\/exports\/[0-9a-f]{24}$/
async function peakMemory(
  scenario: string,
  inputs: (url: string) => Record<string, string>,
  hostile: (atlas: AtlasEmulator) => void,
  extra: EmulatorOptions = {}
): Promise<MemoryRow> {
  return withEmulator(extra, async atlas => {
    hostile(atlas)
    const run = await runAction(inputs(atlas.url), { measurePeakMemory: true })
    if (run.peakMemoryMiB === undefined) throw new Error(`${scenario}: no peak memory\n${run.stdout}${run.stderr}`)
    return { scenario, peakMiB: run.peakMemoryMiB }
  })
}
const latest = (url: string): Record<string, string> => digestInputs(url, { 'snapshot-id': 'latest' })
const memoryRows: MemoryRow[] = [
  await peakMemory('a plain run (`latest`, one export): the baseline', latest, () => {}),
  await peakMemory('a snapshot list that never ends (256 MiB sent)', latest, atlas =>
    atlas.inject({ method: 'GET', path: SNAPSHOT_LIST, fault: { endless: true } })
  ),
  await peakMemory('a gzip snapshot list that unpacks to 256 MiB', latest, atlas =>
    atlas.inject({ method: 'GET', path: SNAPSHOT_LIST, fault: { gzipZeros: 256 * 1024 * 1024 } })
  ),
  await peakMemory('an export list of 10 MiB (one page)', latest, atlas =>
    atlas.inject({
      method: 'GET',
      path: EXPORT_LIST,
      fault: { status: 200, body: JSON.stringify({ results: [{ id: 'x'.repeat(10 * 1024 * 1024) }], totalCount: 1 }) }
    })
  ),
  await peakMemory('a 2 MB error detail on the create (red run)', latest, atlas =>
    atlas.inject({
      method: 'POST',
      path: EXPORT_LIST,
      fault: {
        status: 400,
        body: JSON.stringify({ error: 400, errorCode: 'INVALID_EXPORT', detail: 'd'.repeat(2 << 20) })
      }
    })
  ),
  await peakMemory(
    'a 5 MB job document while waiting',
    url => digestInputs(url, { wait: 'true', 'poll-interval': '1s' }),
    atlas =>
      atlas.inject({
        method: 'GET',
        path: ONE_JOB,
        fault: {
          status: 200,
          body: JSON.stringify({
            id: '6a7945592c88faeba59d5e8e',
            state: 'InProgress',
            customData: [{ key: 'k', value: 'v'.repeat(5 << 20) }]
          })
        }
      }),
    { exportTimeline: waitingTimeline }
  ),
  await peakMemory(
    'a fleet of 100 clusters (service account, `*`)',
    url => serviceAccountInputs(url, fleet),
    () => {},
    fleetOptions(100)
  )
]

const waitRow = rows[4] as Row
const perPoll = (waitRow.requests - 4) / POLLS
const { bundle, baseline } = await coldStart()
const size = statSync(BUNDLE).size

const over = rows.filter(row => row.requests > row.minimum)
const out: string[] = []
out.push(
  `## Benchmark (${quick ? 'quick: 1 iteration' : `median of ${iterations}`}, Node ${process.version}, local emulator)\n`
)
out.push('| scenario | requests | minimum | over |')
out.push('|---|---:|---:|---:|')
for (const row of rows)
  out.push(`| ${row.scenario} | ${row.requests} | ${row.minimum} | ${row.requests - row.minimum} |`)
out.push(`| waiting, per poll | ${perPoll} | 1 | ${perPoll - 1} |`)
out.push(
  `| waiting, per hour at the default poll-interval (${DEFAULT_POLL_SECONDS}s) | ${(3600 / DEFAULT_POLL_SECONDS) * perPoll} | ${3600 / DEFAULT_POLL_SECONDS} | ${(3600 / DEFAULT_POLL_SECONDS) * (perPoll - 1)} |`
)
out.push('\n| measure | value |')
out.push('|---|---:|')
out.push(`| dist/index.js | ${size.toLocaleString('en')} bytes (${(size / 1024).toFixed(0)} KiB) |`)
out.push(`| cold start, bundle creating one export (Digest) | ${bundle.toFixed(0)} ms |`)
out.push(`| cold start, bare Node script doing the same bucket read, list and POST | ${baseline.toFixed(0)} ms |`)
out.push(`| ratio bundle / bare script | ${(bundle / baseline).toFixed(2)} |`)
for (const [n, ms] of fleetTimes)
  out.push(`| fleet of ${n} clusters, started (no wait) | ${ms} ms, ${(ms / n).toFixed(0)} ms per cluster |`)
out.push(
  `| runner time, ${RUNNER_CLUSTERS} clusters of 3 s exports: one fleet run / ${RUNNER_CLUSTERS} single runs (a matrix) | ${(fleetMs / 1000).toFixed(1)} s / ${(matrixMs / 1000).toFixed(1)} s = ${(fleetMs / matrixMs).toFixed(2)} |`
)

const plainPeak = (memoryRows[0] as MemoryRow).peakMiB
out.push('\n| peak resident memory of the run | MiB | ratio to a plain run |')
out.push('|---|---:|---:|')
for (const row of memoryRows)
  out.push(`| ${row.scenario} | ${row.peakMiB.toFixed(0)} | ${(row.peakMiB / plainPeak).toFixed(2)} |`)

const report = out.join('\n')
console.log(report)
if (process.argv.includes('--write')) {
  writeFileSync(join(ROOT, 'docs', 'performance.md'), performancePage(report))
  console.log('\nwrote docs/performance.md')
}

if (over.length > 0 || perPoll !== 1) {
  console.error(`\nOver the minimum: ${over.map(r => r.scenario).join('; ') || 'waiting per poll'}`)
  process.exitCode = 1
}

function performancePage(report: string): string {
  return `# Performance

Every request counts against Atlas's per-project Cloud Backup rate limit, and a matrix
multiplies it. The action spends the minimum the protocol allows: one Digest challenge per
run (the nonce is reused), one service-account token per run, one request per poll,
snapshot lists read 500 at a time, the bucket read once, and one list of the cluster's
export jobs before creating (what makes a re-run safe). The Atlas CLI spends two round
trips per Digest request and polls every 4 s: about 1,800 requests an hour while watching.

The figures below are written by \`npm run bench -- --write\` against the local emulator,
in one run: request counts against the protocol's minimum (they do not vary), timings as
ratios against a bare Node script measured in the same run, peak memory against a plain
run. Timings vary from machine to machine; CI runs \`npm run bench -- --quick\`, which fails
when any scenario spends a request over its minimum. The bundle leaves out
\`@actions/github\`: the run context is five environment variables, and the package would
bundle Octokit.

${report.replace(/^## Benchmark/, '## Measured')}
`
}
