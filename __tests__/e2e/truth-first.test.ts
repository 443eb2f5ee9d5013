/**
 * Issue 17's behaviour changes, written before the fix (moved into the feature files
 * after the restructuring).
 */
import { describe, expect, test } from 'vitest'
import { atlasTime } from '../../scripts/atlas-emulator/emulator.js'
import { runAction } from '../../scripts/run-action.js'
import { BUCKET_ID, CLUSTER, digestInputs, LATEST_SNAPSHOT_ID } from '../../scripts/atlas-emulator/scenario.js'
import { failureOf, useEmulator } from './helpers.js'

const emulator = useEmulator()
const hoursAgo = (h: number) => atlasTime(Date.now() - h * 3_600_000)
const reason = { errorCode: 'EXPORT_BUCKET_ACCESS_DENIED', message: 'Atlas could not write to the bucket.' }

describe.concurrent('export-job-id: a job that had already ended', () => {
  test.for(['Failed', 'Cancelled'])('%s, without wait: red, error-code from its stateReason, told as already ended', async (state, ctx) => {
    const atlas = await emulator({}, ctx)
    const ended = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: hoursAgo(3),
      state,
      timeline: [{ state, stateReason: reason }]
    })
    const run = await runAction(digestInputs(atlas.url, { 'export-job-id': ended.id, 'snapshot-id': '' }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'export-job-id': ended.id, state, 'error-code': 'EXPORT_BUCKET_ACCESS_DENIED' })
    const failure = failureOf(run)
    expect(failure.title).toBe(`Atlas export job ${state}`)
    expect(failure.message).toBe(
      `Export job ${ended.id} had already ended ${state} when this run read it: EXPORT_BUCKET_ACCESS_DENIED: Atlas could not write to the bucket.`
    )
    expect(run.summary).toMatch(new RegExp(`^## ❌ Atlas export job had already ended ${state}\\n`))
    expect(run.summary).not.toContain('🚀')
  })

  test('Failed, with wait: the same rule, at once, no poll', async ctx => {
    const atlas = await emulator({}, ctx)
    const ended = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: hoursAgo(3),
      state: 'Failed',
      timeline: [{ state: 'Failed', stateReason: reason }]
    })
    const run = await runAction(digestInputs(atlas.url, { 'export-job-id': ended.id, 'snapshot-id': '', wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain(`Export job ${ended.id} had already ended Failed when this run read it`)
    expect(atlas.apiRequests({ method: 'GET', path: /\/exports\/[0-9a-f]{24}$/ }).filter(r => r.auth !== 'none')).toHaveLength(1)
  })
})

describe.concurrent('a dry run proves what a real run needs', () => {
  test('it lists the export jobs and says it would create one', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.apiRequests({ method: 'GET', path: /\/clusters\/[^/]+\/backup\/exports$/ }).filter(r => r.auth !== 'none')).toHaveLength(1)
    expect(atlas.apiRequests({ method: 'POST' })).toHaveLength(0)
    expect(run.stdout).toContain(`Dry run: a real run would create an export job of snapshot ${LATEST_SNAPSHOT_ID} to bucket ${BUCKET_ID}; nothing was created.`)
    expect(run.summary).toContain('A real run would create an export job.')
  })

  test('an earlier Successful export: it would reuse that job, and says when it finished', async ctx => {
    const atlas = await emulator({}, ctx)
    const done = atlas.seedJob({ clusterName: CLUSTER, snapshotId: LATEST_SNAPSHOT_ID, exportBucketId: BUCKET_ID, createdAt: hoursAgo(3), state: 'Successful' })
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(`Dry run: a real run would reuse export job ${done.id} (Successful, finished ${done.finishedAt}); nothing was created.`)
    expect(run.summary).toContain(`A real run would reuse export job \`${done.id}\` (Successful, finished ${done.finishedAt}).`)
    expect(run.outputs['export-job-id']).toBeUndefined()
  })

  test('an active export: it would take that job over', async ctx => {
    const atlas = await emulator({}, ctx)
    const active = atlas.seedJob({ clusterName: CLUSTER, snapshotId: LATEST_SNAPSHOT_ID, exportBucketId: BUCKET_ID, createdAt: hoursAgo(1), state: 'InProgress' })
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(`Dry run: a real run would take over export job ${active.id} (InProgress); nothing was created.`)
    expect(run.summary).toContain(`A real run would take over export job \`${active.id}\` (InProgress).`)
  })

  test('a refused list fails the dry run with the role it needs', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'GET',
      path: /\/backup\/exports$/,
      times: 100,
      fault: {
        status: 403,
        body: JSON.stringify({ detail: 'Current user is not authorized to perform this action.', error: 403, errorCode: 'USER_UNAUTHORIZED', parameters: [], reason: 'Forbidden' })
      }
    })
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain('the Project Backup Manager role')
    expect(run.summary).toContain('**Looking for earlier exports of this snapshot** failed')
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
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'Failed', stateReason: reason }] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).title).toBe('Atlas export job Failed')
    expect(run.summary).toMatch(/^## ❌ Atlas export job Failed\n/)
    expect(run.summary).not.toContain('Waiting for the export job')
    expect(run.summary).toContain(`### What went wrong\n\nExport job ${atlas.jobs[0]?.id} ended Failed: EXPORT_BUCKET_ACCESS_DENIED`)
  })

  test('an Atlas refusal keeps its title', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': 'nope-1' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).title).toBe('Atlas export failed')
  })
})

describe.concurrent('cluster names as Atlas allows them', () => {
  test.for(['a_b', 'cluster-0123456789abcdefghij_with_underscores', `c${'x'.repeat(63)}`])('%s is accepted (and asked of Atlas)', async (name, ctx) => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': name }))
    expect(failureOf(run).message).toMatch(/^Atlas API 404 CLUSTER_NOT_FOUND/)
    expect(run.stdout).not.toContain("Input 'cluster-name'")
  })
})
