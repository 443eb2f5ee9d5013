/** The bundle end to end: job summary, error-code output, one titled annotation, calm logs. */
import { describe, expect, test } from 'vitest'
import { runAction } from '../../scripts/run-action.js'
import { BUCKET_ID, CLUSTER, LATEST_SNAPSHOT_ID, PROJECT_ID, digestInputs, serviceAccountInputs } from '../../scripts/atlas-emulator/scenario.js'
import { failureOf, useEmulator, pollsOf } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('job summary', () => {
  test('on success: what was exported where, the snapshot chosen as latest, the custom data', async ctx => {
    const atlas = await emulator(
      { exportTimeline: [{ state: 'Queued' }, { state: 'Successful', exportStatus: { exportedCollections: 7, totalCollections: 7 } }] },
      ctx
    )
    const run = await runAction(
      serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'snapshot-id': 'latest', 'custom-data': 'ticket=OPS-9' })
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
    expect(run.summary).toMatch(new RegExp(`\\| Snapshot \\| \`${LATEST_SNAPSHOT_ID}\` \\(chosen as \`latest\`, taken .+Z\\) \\|`))
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
    expect(run.summary).toMatch(/- What to do: The API access list of the API key .* must allow this runner's address 198\.51\.100\.23\./)
  })

  test('on a Failed job: the job, its stateReason, and error-code from stateReason', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          { state: 'Failed', stateReason: { errorCode: 'EXPORT_FAILED_KMS', message: 'The KMS key could not be reached.' } }
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
  expect(visible).toEqual([expect.stringMatching(/: Queued → InProgress after \d+s\.$/), expect.stringMatching(/: InProgress → Successful after \d+s\.$/)])
  expect(lines.filter(l => /^::debug::Poll \d+ after/.test(l))).toHaveLength(7)
  expect(pollsOf(atlas)).toHaveLength(7)
})

describe.concurrent('a cancelled run', () => {
  test('while waiting: gives the token back, leaves outputs and a summary saying the export goes on', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, ...Array.from({ length: 50 }, () => ({ state: 'InProgress' }))] }, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), {
      cancelWhen: { log: /Queued → InProgress/, signal: 'SIGINT' }
    })
    const id = atlas.jobs[0]?.id
    expect(run.exitCode).toBe(130)
    expect(run.stdout).toContain(`The run was cancelled (SIGINT). Export job ${id} (InProgress) goes on in Atlas; a re-run takes it over.`)
    expect(run.outputs).toMatchObject({ 'export-job-id': id, state: 'InProgress' })
    expect(run.summary).toContain('**Waiting for the export job** was interrupted: The run was cancelled (SIGINT).')
    expect(atlas.tokensIssued).toBe(1)
    expect(atlas.tokensRevoked).toBe(1)
    expect(atlas.jobs).toHaveLength(1)
  })

  test('before the export exists (SIGTERM while the snapshot is taken): says so', async ctx => {
    const atlas = await emulator({ snapshotTimeline: Array.from({ length: 50 }, () => ({ status: 'inProgress' as const })) }, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }), {
      cancelWhen: { log: /queued → inProgress/, signal: 'SIGTERM' }
    })
    expect(run.exitCode).toBe(130)
    expect(run.summary).toContain('**Taking the on-demand snapshot** was interrupted: The run was cancelled (SIGTERM) before an export job was created.')
    expect(atlas.jobs).toHaveLength(0)
  })
})
