/**
 * A cancelled workflow run: the summary first, the token back, exit 130 within the runner's grace.
 */
import { describe, expect, test } from 'vitest'
import { digestInputs, serviceAccountInputs } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { useEmulator } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('a cancelled run', () => {
  test('while waiting: gives the token back, leaves outputs and a summary saying the export goes on', async ctx => {
    const atlas = await emulator(
      { exportTimeline: [{ state: 'Queued' }, ...Array.from({ length: 50 }, () => ({ state: 'InProgress' }))] },
      ctx
    )
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), {
      cancelWhen: { log: /Queued → InProgress/, signal: 'SIGINT' }
    })
    const id = atlas.jobs[0]?.id
    expect(run.exitCode).toBe(130)
    expect(run.stdout).toContain(
      `The run was cancelled (SIGINT). Export job ${id} (InProgress) goes on in Atlas; a re-run takes it over.`
    )
    expect(run.outputs).toMatchObject({ 'export-job-id': id, state: 'InProgress' })
    expect(run.summary).toContain('**Waiting for the export job** was interrupted: The run was cancelled (SIGINT).')
    expect(atlas.tokensIssued).toBe(1)
    expect(atlas.tokensRevoked).toBe(1)
    expect(atlas.jobs).toHaveLength(1)
  })

  test('before the export exists (SIGTERM while the snapshot is taken): says so', async ctx => {
    const atlas = await emulator(
      { snapshotTimeline: Array.from({ length: 50 }, () => ({ status: 'inProgress' as const })) },
      ctx
    )
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }), {
      cancelWhen: { log: /queued → inProgress/, signal: 'SIGTERM' }
    })
    expect(run.exitCode).toBe(130)
    expect(run.summary).toContain(
      '**Taking the on-demand snapshot** was interrupted: The run was cancelled (SIGTERM) before an export job was created.'
    )
    expect(atlas.jobs).toHaveLength(0)
  })
})

describe.concurrent('cancelled means cancelled', () => {
  test('SIGINT during a wait with a slow revoke: summary first, no poll and no new token after it, exit 130 well before 7.5 s', async ctx => {
    const atlas = await emulator(
      {
        tokenLifetimeSeconds: 3600,
        exportTimeline: [{ state: 'Queued' }, ...Array.from({ length: 30 }, () => ({ state: 'InProgress' }))]
      },
      ctx
    )
    atlas.inject({ path: /\/api\/oauth\/revoke$/, beforeAuth: true, times: 5, fault: { hang: true } })
    let cancelledAt = 0
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), {
      cancelWhen: { log: /Waiting for export job/, signal: 'SIGINT' },
      onCancel: () => (cancelledAt = Date.now())
    })
    expect(run.exitCode).toBe(130)
    expect(run.summary).toMatch(/The run was cancelled \(SIGINT\)\. Export job [0-9a-f]{24} \(\w+\) goes on in Atlas/)
    const after = atlas.requests.filter(r => r.at > cancelledAt + 100)
    expect(after.filter(r => r.path !== '/api/oauth/revoke')).toEqual([])
    expect(atlas.tokensIssued).toBe(1)
    expect(run.durationMs - (cancelledAt - run.startedAt)).toBeLessThan(4_500)
  })
})
