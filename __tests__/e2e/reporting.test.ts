/**
 * What the run reports: the job summary, the annotation's title and words, the log.
 */
import { describe, expect, test } from 'vitest'
import {
  BUCKET_ID,
  CLUSTER,
  digestInputs,
  LATEST_SNAPSHOT_ID,
  PROJECT_ID,
  serviceAccountInputs
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { pictureRun } from '../../scripts/summary-drawing.js'
import { renderSummary } from '../../src/report/summary.js'
import { ACCESS_DENIED, failureOf, pollsOf, useEmulator, visibleLog } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('job summary', () => {
  test('on success: what was exported where, the snapshot chosen as latest, the custom data', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          { state: 'Successful', exportStatus: { exportedCollections: 7, totalCollections: 7 } }
        ]
      },
      ctx
    )
    const run = await runAction(
      serviceAccountInputs(atlas.url, {
        wait: 'true',
        'poll-interval': '1s',
        'snapshot-id': 'latest',
        'custom-data': 'ticket=OPS-9'
      })
    )
    expect(run.exitCode).toBe(0)
    const job = atlas.jobs[0]
    expect(run.summary).toContain('## ✅ Atlas snapshot export succeeded')
    for (const row of [
      `| Project | \`${PROJECT_ID}\` |`,
      `| Cluster | \`${CLUSTER}\` |`,
      `| Export bucket | \`${BUCKET_ID}\` (test-bucket, AWS) |`,
      `| Destination | \`s3://test-bucket/${job?.prefix}\` |`,
      `| Export job | \`${job?.id}\` |`,
      '| State | Successful |',
      `| Prefix | \`${job?.prefix}\` |`,
      `| Created | ${job?.createdAt} |`,
      `| Finished | ${job?.finishedAt} |`,
      '| Collections | 7 of 7 collections exported |',
      '| Custom data | `ticket=OPS-9` |'
    ]) {
      expect(run.summary).toContain(row)
    }
    expect(run.summary).toMatch(
      new RegExp(`\\| Snapshot \\| \`${LATEST_SNAPSHOT_ID}\` \\(chosen as \`latest\`, taken .+Z\\) \\|`)
    )
    expect(run.summary).toMatch(/\| Duration \| \d+s \|/)
    expect(run.outputs['error-code']).toBe('')
    expect(run.annotations).toEqual([])
  })

  test('on an Atlas error: what failed, the errorCode and the hint; error-code output; one titled annotation', async ctx => {
    const atlas = await emulator({ accessListDeniesIp: '198.51.100.23' }, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs['error-code']).toBe('IP_ADDRESS_NOT_ON_ACCESS_LIST')
    expect(failureOf(run).title).toBe('Atlas export failed')
    expect(run.stdout.split('\n').filter(l => l.startsWith('::error'))).toHaveLength(1)
    expect(run.summary).toContain('## ❌ Atlas snapshot export failed')
    expect(run.summary).toContain(
      '**Signing in to Atlas** failed: Atlas API 403 IP_ADDRESS_NOT_ON_ACCESS_LIST: IP address 198.51.100.23 is not allowed to access this resource.'
    )
    expect(run.summary).toContain('- Atlas error code: `IP_ADDRESS_NOT_ON_ACCESS_LIST`')
    expect(run.summary).toMatch(
      /- What to do: The API access list of the API key .* must allow this runner's address 198\.51\.100\.23\./
    )
  })

  test('on a Failed job: the job, its stateReason, and error-code from stateReason', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          {
            state: 'Failed',
            stateReason: { errorCode: 'EXPORT_FAILED_KMS', message: 'The KMS key could not be reached.' }
          }
        ]
      },
      ctx
    )
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs['error-code']).toBe('EXPORT_FAILED_KMS')
    expect(run.summary).toContain(`| Export job | \`${atlas.jobs[0]?.id}\` |`)
    expect(run.summary).toContain('| State | Failed |')
    // The reason once, where it belongs.
    expect(run.summary.split('The KMS key could not be reached.')).toHaveLength(2)
    expect(run.summary).toContain(
      `### What went wrong\n\nExport job ${atlas.jobs[0]?.id} ended Failed: EXPORT_FAILED_KMS: The KMS key could not be reached.`
    )
    expect(run.summary).toContain('- Atlas error code: `EXPORT_FAILED_KMS`')
    expect(failureOf(run).message).toContain('EXPORT_FAILED_KMS')
  })

  test('on bad inputs too, with nothing secret in it', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { wait: 'soon' }))
    expect(run.summary).toContain("**Checking the inputs** failed: Input 'wait' must be true or false; got 'soon'")
    expect(run.summary).not.toContain(digestInputs('')['private-key'])
  })

  test('without waiting: the job started and runs on', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url))
    expect(run.summary).toContain('## 🚀 Atlas snapshot export started (Queued)')
    expect(run.summary).toContain('The export runs on in Atlas')
  })
})

describe.concurrent('failures say what kind they are', () => {
  test('a bad input is not titled as a failure of Atlas', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'project-id': 'nope' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).title).toBe('Atlas export not started: an input is wrong')
    expect(run.summary).toMatch(/^## ❌ Atlas snapshot export not started: an input is wrong\n/)
    expect(run.summary).toContain('**Checking the inputs** failed')
    expect(atlas.requests).toEqual([])
  })

  test('a failed export is told as the job that failed, not as a wait that failed', async ctx => {
    const atlas = await emulator(
      { exportTimeline: [{ state: 'Queued' }, { state: 'Failed', stateReason: ACCESS_DENIED }] },
      ctx
    )
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).title).toBe('Atlas export job Failed')
    expect(run.summary).toMatch(/^## ❌ Atlas export job Failed\n/)
    expect(run.summary).not.toContain('Waiting for the export job')
    expect(run.summary).toContain(
      `### What went wrong\n\nExport job ${atlas.jobs[0]?.id} ended Failed: EXPORT_BUCKET_ACCESS_DENIED`
    )
  })

  test('an Atlas refusal keeps its title', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': 'nope-1' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).title).toBe('Atlas export failed')
  })
})

test.concurrent('a wait of many polls stays calm: state changes only, each poll under debug', async ctx => {
  const steps = [
    { state: 'Queued' },
    { state: 'Queued' },
    { state: 'InProgress' },
    { state: 'InProgress' },
    { state: 'InProgress' },
    { state: 'InProgress' },
    { state: 'InProgress' },
    { state: 'Successful' }
  ]
  const atlas = await emulator({ exportTimeline: steps }, ctx)
  const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
  expect(run.exitCode).toBe(0)
  const lines = run.stdout.split('\n')
  const from = lines.findIndex(l => l.startsWith('Waiting for export job'))
  const to = lines.findIndex(l => / is Successful; files under /.test(l))
  const visible = lines.slice(from + 1, to).filter(l => !l.startsWith('::debug::'))
  expect(visible).toEqual([
    expect.stringMatching(/: Queued → InProgress after \d+s\.$/),
    expect.stringMatching(/: InProgress → Successful after \d+s\.$/)
  ])
  expect(lines.filter(l => /^::debug::Poll \d+ after/.test(l))).toHaveLength(7)
  expect(pollsOf(atlas)).toHaveLength(7)
})

describe.concurrent('nothing escapes run()', () => {
  test('an unwritable GITHUB_OUTPUT ends in one annotation naming it, no stack trace, no minified source', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url), { env: { GITHUB_OUTPUT: '/nonexistent/dir/output' } })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^Could not write the step output '\w[\w-]*' \(GITHUB_OUTPUT\): /)
    expect(visibleLog(run)).not.toMatch(/\n\s+at |node:internal|index\.js:\d+/)
    expect(run.stderr).toBe('')
  })
})

describe.concurrent("the README's picture of a summary", () => {
  test('is of a run as a real one records it: the same headline and rows as the bundle writes for that run', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          { state: 'Successful', exportStatus: { exportedCollections: 3, totalCollections: 3 } }
        ]
      },
      ctx
    )
    const run = await runAction(
      digestInputs(atlas.url, {
        'snapshot-id': 'latest',
        wait: 'true',
        'poll-interval': '1s',
        'custom-data': 'purpose=nightly\nticket=OPS-1234'
      })
    )
    expect(run.exitCode).toBe(0)
    const shape = (markdown: string): string[] =>
      markdown
        .split('\n')
        .filter(line => line.startsWith('## ') || line.startsWith('| '))
        .map(line => (line.startsWith('## ') ? line : (line.split(' | ')[0] as string)))
    expect(shape(renderSummary(pictureRun()))).toEqual(shape(run.summary))
  })
})
