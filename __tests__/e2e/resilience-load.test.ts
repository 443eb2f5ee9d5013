/**
 * Load: 20 runs of the bundle at once against one Atlas that takes 10 requests a
 * second and answers 429 with Retry-After beyond that. Each creates a job and waits
 * for it. All succeed, 20 jobs, no two for the same snapshot.
 */
import { expect, test } from 'vitest'
import { runAction } from '../../scripts/run-action.js'
import { CLUSTER, digestInputs, standardProject } from '../../scripts/atlas-emulator/scenario.js'
import { atlasTime } from '../../scripts/atlas-emulator/emulator.js'
import { useEmulator } from './helpers.js'

const emulator = useEmulator()
const RUNS = 20

test(`${RUNS} parallel runs, 10 requests/s allowed: all green, exactly ${RUNS} jobs`, async () => {
  const project = standardProject()
  const ids = Array.from({ length: RUNS }, (_, i) => (0x6a7950000000000000000000n + BigInt(i)).toString(16))
  project.clusters
    .find(c => c.name === CLUSTER)!
    .snapshots.push(
      ...ids.map(id => ({
        id,
        status: 'completed' as const,
        snapshotType: 'scheduled' as const,
        createdAt: atlasTime(Date.now() - 3_600_000)
      }))
    )
  const timeline = [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'InProgress' }, { state: 'Successful' }]
  const atlas = await emulator({ projects: [project], rateLimitPerSecond: 10, exportTimeline: timeline })
  const started = Date.now()
  // Each run creates and waits (three polls a second apart), as a matrix of exports does.
  const runs = await Promise.all(
    ids.map(id => runAction(digestInputs(atlas.url, { 'snapshot-id': id, wait: 'true', 'poll-interval': '1s' })))
  )
  const seconds = (Date.now() - started) / 1000

  for (const r of runs) if (r.exitCode !== 0) console.log('FAILED RUN\n' + r.stdout + r.stderr)
  expect(runs.map(r => r.exitCode)).toEqual(ids.map(() => 0))
  expect(atlas.jobs).toHaveLength(RUNS)
  expect(new Set(atlas.jobs.map(j => j.snapshotId)).size).toBe(RUNS)
  expect(runs.map(r => r.outputs['snapshot-id']).sort()).toEqual([...ids].sort())
  expect(runs.every(r => r.outputs.state === 'Successful')).toBe(true)
  const limited = atlas.requests.filter(r => r.status === 429).length
  const retried = runs.reduce((n, r) => n + r.stdout.split('\n').filter(l => / retry \d+ of \d+ in /.test(l)).length, 0)
  expect(limited).toBeGreaterThan(0)
  expect(retried).toBe(limited)
  expect(seconds).toBeLessThan(60)
  console.log(
    `load: ${RUNS} runs in ${seconds.toFixed(1)}s, ${atlas.requests.length} requests, ${limited} answered 429 and retried, ${atlas.jobs.length} jobs`
  )
})
