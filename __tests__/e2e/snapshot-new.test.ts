/**
 * snapshot-id: new: an on-demand snapshot taken for the run, never two, waited for, exported.
 */
import { describe, expect, test } from 'vitest'
import type { Fault } from '../../scripts/atlas-emulator/emulator.js'
import {
  BUCKET_ID,
  CLUSTER,
  digestInputs,
  serviceAccountInputs,
  SHARDED_CLUSTER
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { apiError, failureOf, SNAPSHOTS, useEmulator, waitedSeconds } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('snapshot-id: new', () => {
  test('takes an on-demand snapshot named for the run, waits until completed, exports it', async ctx => {
    const atlas = await emulator(
      { snapshotTimeline: [{ status: 'inProgress' }, { status: 'inProgress' }, { status: 'completed' }] },
      ctx
    )
    const run = await runAction(
      serviceAccountInputs(atlas.url, { 'snapshot-id': 'new', 'snapshot-retention-days': '7', 'poll-interval': '1s' })
    )
    expect(run.exitCode).toBe(0)
    const taken = atlas.projects[0]!.clusters.find(c => c.name === CLUSTER)!.snapshots.at(-1)!
    expect(taken).toMatchObject({ status: 'completed', snapshotType: 'onDemand', retentionInDays: 7 })
    expect(taken.description).toBe(
      "atlas-snapshot-export run 4242 attempt 1: on-demand snapshot for octo-org/backups, workflow 'Nightly export'"
    )
    expect(atlas.jobs.map(j => j.snapshotId)).toEqual([taken.id])
    expect(run.outputs['snapshot-id']).toBe(taken.id)
    const calls = atlas.apiRequests().map(r => `${r.method} ${r.path.split('/backup/')[1]}`)
    expect(calls).toEqual([
      `GET exportBuckets/${BUCKET_ID}`,
      'POST snapshots',
      `GET snapshots/${taken.id}`,
      `GET snapshots/${taken.id}`,
      `GET snapshots/${taken.id}`,
      'GET exports',
      'POST exports'
    ])
    expect(run.stdout).toMatch(new RegExp(`Snapshot ${taken.id}: queued → inProgress after \\d+s\\.`))
    expect(run.stdout).toMatch(new RegExp(`Snapshot ${taken.id}: inProgress → completed after \\d+s\\.`))
    expect(run.summary).toContain(`| Snapshot | \`${taken.id}\` (taken on demand for this run, kept 7 days) |`)
  })

  test('on a sharded cluster the snapshot is followed under its own path', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'snapshot-id': 'new', 'cluster-name': SHARDED_CLUSTER, 'poll-interval': '1s' })
    )
    expect(run.exitCode).toBe(0)
    expect(
      atlas
        .apiRequests({ method: 'GET', path: /\/snapshots\// })
        .every(r => r.path.includes('/snapshots/shardedCluster/'))
    ).toBe(true)
    expect(atlas.jobs).toHaveLength(1)
  })

  test('a snapshot that ends failed: red, and nothing is exported', async ctx => {
    const atlas = await emulator({ snapshotTimeline: [{ status: 'inProgress' }, { status: 'failed' }] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    const id = run.outputs['snapshot-id']
    expect(failureOf(run).message).toBe(
      `On-demand snapshot ${id} ended failed: Atlas could not take it, and nothing was exported.`
    )
    expect(atlas.jobs).toHaveLength(0)
    expect(run.summary).toContain('**Taking the on-demand snapshot** failed')
  })

  test('a snapshot still running at wait-timeout: red, says so, nothing exported', async ctx => {
    const atlas = await emulator(
      { snapshotTimeline: Array.from({ length: 20 }, () => ({ status: 'inProgress' as const })) },
      ctx
    )
    const run = await runAction(
      digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s', 'wait-timeout': '2s' })
    )
    expect(run.exitCode).toBe(1)
    const message = failureOf(run).message
    expect(message).toMatch(
      /^Stopped waiting after \d+s \(wait-timeout\): on-demand snapshot [0-9a-f]{24} is still (queued|inProgress)\. Nothing was exported\. The snapshot goes on in Atlas and is kept 1 day\.$/
    )
    expect(waitedSeconds(message)).toBeGreaterThanOrEqual(2)
    expect(waitedSeconds(message)).toBeLessThan(2 + 10)
    expect(atlas.jobs).toHaveLength(0)
  })
})

describe.concurrent('the on-demand snapshot request', () => {
  test.for<[string, Fault]>([
    ['a 500 after Atlas took the snapshot', apiError(500, 'UNEXPECTED_ERROR')],
    // A 503 proves nothing was done only for a read: the service may fail after acting.
    ['a 503 after Atlas took the snapshot', apiError(503, 'SERVICE_UNAVAILABLE')],
    ['a reset after Atlas took the snapshot', { reset: true }]
  ])('%s: found by its description (run and attempt), never a second', async ([_name, fault], ctx) => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: /\/backup\/snapshots$/, afterProcessing: true, fault })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    const onDemand = atlas.projects[0]!.clusters.find(c => c.name === 'cluster-989')!.snapshots.filter(s =>
      s.description?.startsWith('atlas-snapshot-export run')
    )
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
        s => s.snapshotType === 'onDemand' && s.description?.startsWith('atlas-snapshot-export run')
      )
    ).toHaveLength(1)
  })
})

describe.concurrent('snapshot-id: new, on a sharded cluster and after a long wait', () => {
  test('a lost answer to the snapshot request of a sharded cluster is found in the sharded list: one snapshot', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: SNAPSHOTS, afterProcessing: true, fault: apiError(500, 'UNEXPECTED_ERROR') })
    const run = await runAction(
      digestInputs(atlas.url, { 'cluster-name': SHARDED_CLUSTER, 'snapshot-id': 'new', 'poll-interval': '1s' })
    )
    expect(run.exitCode).toBe(0)
    const sharded = atlas.projects[0]?.clusters.find(c => c.name === SHARDED_CLUSTER)
    expect(sharded?.snapshots.filter(s => s.snapshotType === 'onDemand')).toHaveLength(1)
    expect(run.stdout).toMatch(/Found snapshot [0-9a-f]{24} \(queued\) taken by that request: using it\./)
  })
})
