/**
 * Re-runs and repeated schedules never export a snapshot twice (the look at the cluster's export
 * jobs before creating: reuse, take over), and export-job-id follows a job started earlier.
 */
import { describe, expect, test } from 'vitest'
import type { AtlasEmulator, TimelineStep } from '../../scripts/atlas-emulator/emulator.js'
import {
  BUCKET_ID,
  CLUSTER,
  digestInputs,
  LATEST_SNAPSHOT_ID,
  PROJECT_ID,
  serviceAccountInputs
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { ACCESS_DENIED, EXPORTS, failureOf, hoursAgo, pollsOf, posts, useEmulator } from './helpers.js'

const emulator = useEmulator()

const earlier = (atlas: AtlasEmulator, state: string, timeline?: TimelineStep[]) =>
  atlas.seedJob({
    clusterName: CLUSTER,
    snapshotId: LATEST_SNAPSHOT_ID,
    exportBucketId: BUCKET_ID,
    createdAt: hoursAgo(3),
    state,
    timeline
  })

describe.concurrent('looking before creating', () => {
  test('an earlier Successful export of the same snapshot and bucket is reused: nothing created, every output from it, said in log and summary', async ctx => {
    const atlas = await emulator({}, ctx)
    const done = earlier(atlas, 'Successful')
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(posts(atlas)).toEqual([])
    expect(atlas.jobs).toHaveLength(1)
    expect(run.outputs).toMatchObject({
      'export-job-id': done.id,
      state: 'Successful',
      prefix: done.prefix,
      'finished-at': done.finishedAt,
      'error-code': ''
    })
    expect(run.stdout).toContain(
      `Snapshot ${LATEST_SNAPSHOT_ID} was already exported to this bucket by job ${done.id} (Successful, finished ${done.finishedAt}): reusing it, creating nothing (if-exported: reuse).`
    )
    expect(run.summary).toContain('## ✅ Atlas snapshot already exported: reused')
    expect(run.summary).toContain(
      `This snapshot was already exported to this bucket by job \`${done.id}\` (finished ${done.finishedAt}): nothing was created.`
    )
    expect(pollsOf(atlas)).toEqual([])
  })

  test('if-exported: export-again exports anew next to the earlier Successful one', async ctx => {
    const atlas = await emulator({}, ctx)
    const done = earlier(atlas, 'Successful')
    const run = await runAction(digestInputs(atlas.url, { 'if-exported': 'export-again' }))
    expect(run.exitCode).toBe(0)
    expect(posts(atlas)).toHaveLength(1)
    expect(atlas.jobs).toHaveLength(2)
    expect(run.outputs['export-job-id']).not.toBe(done.id)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[1]?.id)
  })

  test('an earlier Failed export does not count: a new one is created', async ctx => {
    const atlas = await emulator({}, ctx)
    earlier(atlas, 'Failed')
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(posts(atlas)).toHaveLength(1)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[1]?.id)
  })

  test('an active export is taken over without any create (no 409 needed), and waited for', async ctx => {
    const atlas = await emulator({}, ctx)
    const active = earlier(atlas, 'InProgress', [{ state: 'InProgress' }, { state: 'Successful' }])
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(posts(atlas)).toEqual([])
    expect(run.stdout).toContain(
      `Took over export job ${active.id}: an export of snapshot ${LATEST_SNAPSHOT_ID} to this bucket was already InProgress; no other was created.`
    )
    expect(run.stdout.split(`Took over export job ${active.id}`)).toHaveLength(2)
    expect(run.outputs).toMatchObject({ 'export-job-id': active.id, state: 'Successful' })
    expect(run.summary).toContain('taken over: an export of this snapshot to this bucket was already running')
  })

  test('a race between the look and the create (the export became active in between): the 409 still takes it over', async ctx => {
    const atlas = await emulator({}, ctx)
    const active = earlier(atlas, 'Queued')
    // The look sees the list as it was a moment before the other run's create.
    atlas.inject({
      method: 'GET',
      path: EXPORTS,
      fault: { status: 200, body: '{"links":[],"results":[],"totalCount":0}' }
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(posts(atlas).map(r => r.status)).toEqual([409])
    expect(run.outputs['export-job-id']).toBe(active.id)
    expect(run.stdout).toContain(`Took over export job ${active.id}: an export of snapshot`)
  })

  test('an ambiguous create next to an older Successful export (export-again): the older is not ours; one new job', async ctx => {
    const atlas = await emulator({}, ctx)
    const done = earlier(atlas, 'Successful')
    atlas.inject({ method: 'POST', path: EXPORTS, afterProcessing: true, fault: { status: 504, body: '' } })
    const run = await runAction(digestInputs(atlas.url, { 'if-exported': 'export-again' }))
    expect(run.exitCode).toBe(0)
    expect(posts(atlas)).toHaveLength(1)
    expect(atlas.jobs).toHaveLength(2)
    const made = atlas.jobs.find(job => job.id !== done.id)
    expect(run.stdout).toContain(`Found export job ${made?.id} (Queued) created by that request: using it.`)
    expect(run.outputs['export-job-id']).toBe(made?.id)
  })
})

describe.concurrent('a re-run during the export', () => {
  test('a re-run while the export is still going: 409, the active job is taken over and waited for', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          { state: 'InProgress' },
          { state: 'InProgress' },
          { state: 'InProgress' },
          { state: 'Successful' }
        ]
      },
      ctx
    )
    const first = await runAction(
      digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'wait-timeout': '2s' })
    )
    expect(first.exitCode).toBe(1)
    const rerun = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(rerun.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    const id = atlas.jobs[0]?.id
    expect(rerun.stdout).toMatch(
      new RegExp(
        `Took over export job ${id}: an export of snapshot \\w+ to this bucket was already (Queued|InProgress); no other was created\\.`
      )
    )
    expect(rerun.outputs).toMatchObject({ 'export-job-id': id, state: 'Successful', 'error-code': '' })
    expect(rerun.summary).toContain('taken over: an export of this snapshot to this bucket was already running')
  })
})

describe.concurrent('export-job-id: start now, wait later', () => {
  test('a first step starts the export (wait: false); a later one follows it by id to Successful, with no snapshot, list or create call', async ctx => {
    const atlas = await emulator(
      { exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'Successful' }] },
      ctx
    )
    const start = await runAction(serviceAccountInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(start.exitCode).toBe(0)
    const id = start.outputs['export-job-id'] as string
    const before = atlas.requests.length
    const later = await runAction(
      serviceAccountInputs(atlas.url, {
        'export-job-id': id,
        'export-bucket-id': '',
        wait: 'true',
        'poll-interval': '1s'
      })
    )
    expect(later.exitCode).toBe(0)
    const calls = atlas.requests
      .slice(before)
      .map(r => `${r.method} ${r.path.replace(/^\/api\/atlas\/v2\/groups\/[0-9a-f]+\/clusters\/[^/]+/, '…')}`)
    // The read (InProgress), the bucket (for where it lands), one poll (Successful): each
    // read moves the emulator's job one step.
    expect(calls).toEqual([
      'POST /api/oauth/token',
      `GET …/backup/exports/${id}`,
      `GET /api/atlas/v2/groups/${PROJECT_ID}/backup/exportBuckets/${BUCKET_ID}`,
      `GET …/backup/exports/${id}`,
      'POST /api/oauth/revoke'
    ])
    expect(later.outputs['export-url']).toBe(`s3://test-bucket/${atlas.jobs[0]?.prefix}`)
    expect(later.outputs).toMatchObject({
      'export-job-id': id,
      state: 'Successful',
      'snapshot-id': start.outputs['snapshot-id'],
      'export-bucket-id': BUCKET_ID
    })
    expect(later.stdout).toContain(
      `Following export job ${id} (InProgress) of snapshot ${start.outputs['snapshot-id']} to bucket ${BUCKET_ID}.`
    )
    expect(later.summary).toContain('followed: started earlier, given by export-job-id')
  })

  test('without wait: the job and its bucket read once each, every output set', async ctx => {
    const atlas = await emulator({}, ctx)
    const active = earlier(atlas, 'InProgress')
    const run = await runAction(digestInputs(atlas.url, { 'export-job-id': active.id, 'snapshot-id': '' }))
    expect(run.exitCode).toBe(0)
    expect(
      atlas
        .apiRequests()
        .filter(r => r.auth !== 'none')
        .map(r => `${r.method} ${r.path.split('/backup/')[1]}`)
    ).toEqual([`GET exports/${active.id}`, `GET exportBuckets/${BUCKET_ID}`])
    expect(run.outputs).toMatchObject({
      'export-job-id': active.id,
      state: 'InProgress',
      'snapshot-id': LATEST_SNAPSHOT_ID
    })
  })

  test("an unknown id is Atlas's 404 with its detail", async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'export-job-id': '6a7945592c88faeba59d5e8e' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      'Atlas API 404 EXPORT_JOB_NOT_FOUND: No export job with ID 6a7945592c88faeba59d5e8e exists.'
    )
    expect(run.summary).toContain('**Reading the export job** failed')
    expect(run.outputs['error-code']).toBe('EXPORT_JOB_NOT_FOUND')
  })

  test('conflicting inputs are bad input naming both, before any request', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'export-job-id': '6a7945592c88faeba59d5e8e', 'snapshot-id': 'new', 'dry-run': 'true' })
    )
    expect(run.exitCode).toBe(1)
    const { message } = failureOf(run)
    expect(message).toContain("Inputs 'export-job-id' and 'snapshot-id: new' conflict")
    expect(message).toContain("Inputs 'export-job-id' and 'dry-run: true' conflict")
    expect(atlas.requests).toEqual([])
  })
})

describe.concurrent('export-job-id: a job that had already ended', () => {
  test.for(['Failed', 'Cancelled'])(
    '%s, without wait: red, error-code from its stateReason, told as already ended',
    async (state, ctx) => {
      const atlas = await emulator({}, ctx)
      const ended = earlier(atlas, state, [{ state, stateReason: ACCESS_DENIED }])
      const run = await runAction(digestInputs(atlas.url, { 'export-job-id': ended.id, 'snapshot-id': '' }))
      expect(run.exitCode).toBe(1)
      expect(run.outputs).toMatchObject({
        'export-job-id': ended.id,
        state,
        'error-code': 'EXPORT_BUCKET_ACCESS_DENIED'
      })
      const failure = failureOf(run)
      expect(failure.title).toBe(`Atlas export job ${state}`)
      expect(failure.message).toBe(
        `Export job ${ended.id} had already ended ${state} when this run read it: EXPORT_BUCKET_ACCESS_DENIED: Atlas could not write to the bucket.`
      )
      expect(run.summary).toMatch(new RegExp(`^## ❌ Atlas export job had already ended ${state}\\n`))
      expect(run.summary).not.toContain('🚀')
    }
  )

  test('Failed, with wait: the same rule, at once, no poll', async ctx => {
    const atlas = await emulator({}, ctx)
    const ended = earlier(atlas, 'Failed', [{ state: 'Failed', stateReason: ACCESS_DENIED }])
    const run = await runAction(
      digestInputs(atlas.url, { 'export-job-id': ended.id, 'snapshot-id': '', wait: 'true', 'poll-interval': '1s' })
    )
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain(`Export job ${ended.id} had already ended Failed when this run read it`)
    expect(
      atlas.apiRequests({ method: 'GET', path: /\/exports\/[0-9a-f]{24}$/ }).filter(r => r.auth !== 'none')
    ).toHaveLength(1)
  })
})
