import { describe, expect, test } from 'vitest'
import type { ExportJob } from '../../src/backup/export-jobs.js'
import type { ExportRecord, RunRecord } from '../../src/report/record.js'
import { renderSummary } from '../../src/report/summary.js'

const settings = {
  projectId: 'b0123456789abcdef012345b',
  customData: [{ key: 'ticket', value: 'OPS-1' }],
  wait: true,
  dryRun: false,
  snapshotRetentionDays: 1
}
const bucket = { id: '6a793f752c88faeba59bba56', name: 'test-bucket', cloudProvider: 'AWS' }
const job: ExportJob = {
  id: '6a7945592c88faeba59d5e8e',
  snapshotId: '6a7943462c88faeba59ccf5f',
  exportBucketId: '6a793f752c88faeba59bba56',
  state: 'Successful',
  createdAt: '2026-08-10T03:28:25Z',
  finishedAt: '2026-08-10T03:43:05Z',
  prefix: 'exported_snapshots/a0/b0/cluster-989/2026-08-10T0327/1786332505',
  exportStatus: { exportedCollections: 12, totalCollections: 12 },
  customData: [{ key: 'ticket', value: 'OPS-1' }]
}

/** A run of one export of cluster-989. */
function oneExport(run: Omit<RunRecord, 'exports'>, one: Omit<ExportRecord, 'cluster'>): RunRecord {
  return { ...run, exports: [{ cluster: 'cluster-989', ...one }] }
}

describe('renderSummary', () => {
  test('a successful export, snapshot chosen as latest', () => {
    const report = oneExport(
      { settings, bucket },
      { snapshot: { id: '6a7943462c88faeba59ccf5f', origin: 'latest', createdAt: '2026-08-10T03:27:08Z' }, job }
    )
    expect(renderSummary(report)).toBe(
      [
        '## ✅ Atlas snapshot export succeeded',
        '',
        '| Project | `b0123456789abcdef012345b` |',
        '|---|---|',
        '| Cluster | `cluster-989` |',
        '| Snapshot | `6a7943462c88faeba59ccf5f` (chosen as `latest`, taken 2026-08-10T03:27:08Z) |',
        '| Export bucket | `6a793f752c88faeba59bba56` (test-bucket, AWS) |',
        '| Export job | `6a7945592c88faeba59d5e8e` |',
        '| State | Successful |',
        '| Destination | `s3://test-bucket/exported_snapshots/a0/b0/cluster-989/2026-08-10T0327/1786332505` |',
        '| Prefix | `exported_snapshots/a0/b0/cluster-989/2026-08-10T0327/1786332505` |',
        '| Created | 2026-08-10T03:28:25Z |',
        '| Finished | 2026-08-10T03:43:05Z |',
        '| Duration | 14m 40s |',
        '| Collections | 12 of 12 collections exported |',
        '| Custom data | `ticket=OPS-1` |',
        '',
        ''
      ].join('\n')
    )
  })

  test('an Atlas error while creating: what failed, the code, what to do', () => {
    const report = oneExport(
      { settings, bucket },
      {
        snapshot: { id: '6a7943462c88faeba59ccf5f', origin: 'given' },
        failure: {
          kind: 'atlas-refused',
          stage: 'create',
          message:
            'Atlas API 403 IP_ADDRESS_NOT_ON_ACCESS_LIST: IP address 203.0.113.7 is not allowed to access this resource.',
          errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
          hint: "The API access list must allow this runner's address 203.0.113.7."
        }
      }
    )
    const md = renderSummary(report)
    expect(md.startsWith('## ❌ Atlas snapshot export failed\n')).toBe(true)
    expect(md).toContain('| Snapshot | `6a7943462c88faeba59ccf5f` |')
    expect(md).not.toContain('Export job')
    expect(md).toContain(
      "### What went wrong\n\n**Creating the export job** failed: Atlas API 403 IP_ADDRESS_NOT_ON_ACCESS_LIST: IP address 203.0.113.7 is not allowed to access this resource.\n\n- Atlas error code: `IP_ADDRESS_NOT_ON_ACCESS_LIST`\n- What to do: The API access list must allow this runner's address 203.0.113.7.\n"
    )
  })

  test("a Failed job's reason is told once, under What went wrong, not again in the state row", () => {
    const failed: ExportJob = {
      ...job,
      state: 'Failed',
      stateReason: { errorCode: 'EXPORT_BUCKET_ACCESS_DENIED', message: 'No access.' }
    }
    const md = renderSummary(
      oneExport(
        { settings },
        {
          job: failed,
          failure: {
            kind: 'export-failed',
            stage: 'wait',
            message: 'Export job x ended Failed: EXPORT_BUCKET_ACCESS_DENIED: No access.',
            errorCode: 'EXPORT_BUCKET_ACCESS_DENIED'
          }
        }
      )
    )
    expect(md.startsWith('## ❌ Atlas export job Failed\n')).toBe(true)
    expect(md).toContain('| State | Failed |')
    expect(md.split('No access.')).toHaveLength(2)
    expect(md).toContain('### What went wrong\n\nExport job x ended Failed')
    expect(md).not.toContain('Waiting for the export job')
    expect(md).not.toContain('goes on in Atlas')
  })

  test('a wait that ran out is not a failed export: the headline says it still runs and the wait stopped', () => {
    const message =
      'Stopped waiting after 1h (wait-timeout): export job 6a7945592c88faeba59d5e8e is still InProgress. The export goes on in Atlas.'
    const md = renderSummary(
      oneExport(
        { settings },
        {
          job: { ...job, state: 'InProgress', finishedAt: undefined },
          failure: { kind: 'still-running', stage: 'wait', message }
        }
      )
    )
    expect(md.startsWith('## ⏳ Atlas export still running: the wait stopped (wait-timeout)\n')).toBe(true)
    expect(md).toContain(`### The export goes on\n\n${message}\n`)
    expect(md).not.toContain('failed')
    expect(md).not.toContain('Duration')
  })

  test('an Atlas error on an export that goes on says the job goes on', () => {
    const md = renderSummary(
      oneExport(
        { settings },
        {
          job: { ...job, state: 'InProgress', finishedAt: undefined },
          failure: { kind: 'atlas-refused', stage: 'wait', message: 'Atlas API 403 X: no.' }
        }
      )
    )
    expect(md).toContain('- The export job itself goes on in Atlas: `6a7945592c88faeba59d5e8e`.')
  })

  test('an on-demand snapshot kept one day is kept 1 day', () => {
    const md = renderSummary(oneExport({ settings: { ...settings, dryRun: true } }, { snapshot: { origin: 'new' } }))
    expect(md).toContain('| Snapshot | a new on-demand snapshot would be taken (kept 1 day) |')
    expect(md).toContain('What a dry run cannot prove: that the credential may create the export')
  })

  test('a sharded export lists its components; not waiting says the job runs on', () => {
    const sharded: ExportJob = {
      ...job,
      state: 'Queued',
      finishedAt: undefined,
      exportStatus: undefined,
      components: [{ replicaSetName: 'shard-0' }, { replicaSetName: 'shard-1' }]
    }
    const md = renderSummary(oneExport({ settings: { ...settings, wait: false } }, { job: sharded }))
    expect(md.startsWith('## 🚀 Atlas snapshot export started (Queued)\n')).toBe(true)
    expect(md).toContain('| Components | `shard-0`, `shard-1` |')
    expect(md).toContain('The export runs on in Atlas; `wait: true` would follow it to the end.')
  })

  test('values cannot break the table or inject HTML', () => {
    const md = renderSummary({
      settings: { ...settings, customData: [{ key: 'a|b', value: 'x`y' }] },
      exports: [],
      failure: { kind: 'bad-input', stage: 'inputs', message: 'bad <script>|' }
    })
    expect(md).toContain('| Custom data | ``a\\|b=x`y`` |')
    expect(md).toContain('**Checking the inputs** failed: bad &lt;script&gt;\\|')
  })
})

describe('renderSummary of a fleet', () => {
  const bucketInfo = { id: '6a793f752c88faeba59bba56', name: 'test-bucket', cloudProvider: 'AWS' }
  const jobOf = (id: string, state: string): ExportJob => ({ ...job, id, state, prefix: `exported_snapshots/p/${id}` })

  test('the counts in the headline, a row per cluster, the passed over on one line, a section per failure', () => {
    const md = renderSummary({
      settings,
      bucket: bucketInfo,
      fleet: true,
      passedOver: [{ name: 'prod-off', why: 'backup off' }],
      exports: [
        { cluster: 'prod-a', job: jobOf('j1', 'Successful'), origin: 'created' },
        { cluster: 'prod-b', job: jobOf('j2', 'Successful'), origin: 'reused' },
        {
          cluster: 'prod-c',
          stage: 'create',
          failure: { kind: 'atlas-refused', stage: 'create', message: 'Atlas API 400 X: no.', errorCode: 'X' }
        }
      ]
    })
    expect(md).toMatch(/^## ❌ Atlas snapshot export: 2 exported, 1 failed, 1 skipped\n/)
    expect(md).toContain(
      'Project `b0123456789abcdef012345b` · Export bucket `6a793f752c88faeba59bba56` (test-bucket, AWS)'
    )
    expect(md).toContain(
      '| `prod-a` | Successful | `6a7943462c88faeba59ccf5f` | `s3://test-bucket/exported_snapshots/p/j1` | `j1` |'
    )
    expect(md).toContain(
      '| `prod-b` | Successful | `6a7943462c88faeba59ccf5f` | `s3://test-bucket/exported_snapshots/p/j2` | `j2` (reused) |'
    )
    expect(md).toContain('| `prod-c` | failed |')
    expect(md).toContain('Passed over: `prod-off` (backup off)')
    expect(md).toContain(
      '### `prod-c`\n\n**Creating the export job** failed: Atlas API 400 X: no.\n\n- Atlas error code: `X`'
    )
  })

  test('100 clusters, every one failed with a long message: well under the 1 MiB GitHub keeps', () => {
    const message = `Atlas API 400 X: ${'a long detail '.repeat(40)}`
    const exports = Array.from({ length: 100 }, (_, i) => ({
      cluster: `cluster-${i}`,
      job: jobOf(`6a7945592c88faeba59d${String(i).padStart(4, '0')}`, 'Failed'),
      failure: { kind: 'export-failed' as const, message, errorCode: 'X' }
    }))
    const md = renderSummary({ settings, bucket: bucketInfo, fleet: true, exports })
    expect(md.length).toBeLessThan(200 * 1024)
    expect(md.match(/^### /gm)).toHaveLength(100)
  })
})
