/**
 * dry-run: everything a real run needs is checked and told, nothing is created.
 */
import { describe, expect, test } from 'vitest'
import {
  BUCKET_ID,
  BUCKET_NAME,
  CLUSTER,
  digestInputs,
  LATEST_SNAPSHOT_ID,
  PROJECT_ID,
  QUEUED_SNAPSHOT_ID,
  serviceAccountInputs
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { failureOf, hoursAgo, refusedRole, useEmulator } from './helpers.js'

const emulator = useEmulator()

const byName = { 'export-bucket-id': '', 'export-bucket-name': BUCKET_NAME }
describe.concurrent('dry-run', () => {
  test('latest and a bucket by id: both checked, outputs and summary written, nothing created', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { 'dry-run': 'true', 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.apiRequests({ method: 'POST' })).toHaveLength(0)
    expect(atlas.jobs).toHaveLength(0)
    expect(atlas.apiRequests().map(r => r.path.split(`/groups/${PROJECT_ID}/`)[1])).toEqual([
      `backup/exportBuckets/${BUCKET_ID}`,
      `clusters/${CLUSTER}/backup/snapshots`,
      `clusters/${CLUSTER}/backup/exports`
    ])
    expect(run.outputs).toMatchObject({
      'snapshot-id': LATEST_SNAPSHOT_ID,
      'export-bucket-id': BUCKET_ID,
      'error-code': ''
    })
    expect(run.outputs['export-job-id']).toBeUndefined()
    expect(run.stdout).toContain(
      `Dry run: a real run would create an export job of snapshot ${LATEST_SNAPSHOT_ID} to bucket ${BUCKET_ID}; nothing was created.`
    )
    expect(run.summary).toContain('## 🧪 Atlas snapshot export: dry run, nothing exported')
    expect(run.summary).toContain(`| Export bucket | \`${BUCKET_ID}\` (${BUCKET_NAME}, AWS) |`)
    expect(atlas.tokensRevoked).toBe(1)
  })

  test('a given snapshot is checked: one that is not completed fails the dry run', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true', 'snapshot-id': QUEUED_SNAPSHOT_ID }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      `Snapshot ${QUEUED_SNAPSHOT_ID} of ${CLUSTER} cannot be exported: its status is queued, not completed.`
    )
    expect(atlas.apiRequests({ method: 'POST' })).toHaveLength(0)
  })

  test('a given snapshot that does not exist fails with what Atlas said', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'dry-run': 'true', 'snapshot-id': '6a7999992c88faeba59d0000' })
    )
    expect(failureOf(run).message).toBe(
      `Atlas API 404 SNAPSHOT_NOT_FOUND: No snapshot with ID 6a7999992c88faeba59d0000 exists for cluster ${CLUSTER}.`
    )
    expect(run.outputs['error-code']).toBe('SNAPSHOT_NOT_FOUND')
  })

  test('a bucket id that does not exist fails with what Atlas said', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'dry-run': 'true', 'export-bucket-id': '6a79999900000000000000ff' })
    )
    expect(failureOf(run).message).toBe(
      'Atlas API 404 EXPORT_BUCKET_NOT_FOUND: No export Bucket with ID 6a79999900000000000000ff does not exist.'
    )
  })

  test('with snapshot-id new: says a snapshot would be taken, takes none', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true', 'snapshot-id': 'new', ...byName }))
    expect(run.exitCode).toBe(0)
    expect(atlas.apiRequests({ method: 'POST' })).toHaveLength(0)
    expect(run.outputs['snapshot-id']).toBeUndefined()
    expect(run.outputs['export-bucket-id']).toBe(BUCKET_ID)
    expect(run.summary).toContain('| Snapshot | a new on-demand snapshot would be taken (kept 1 day) |')
  })
})

describe.concurrent('a dry run', () => {
  test('of snapshot-id: new checks the cluster: a mistyped one is red', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'snapshot-id': 'new', 'dry-run': 'true', 'cluster-name': 'prdo' })
    )
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^Atlas API 404 CLUSTER_NOT_FOUND: No cluster named prdo exists/)
    expect(atlas.apiRequests({ method: 'POST' })).toEqual([])
  })

  test('says what it cannot prove', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain('| Snapshot | a new on-demand snapshot would be taken (kept 1 day) |')
    expect(run.summary).toContain(
      'What a dry run cannot prove: that the credential may create the export (or take a snapshot).'
    )
    expect(run.stdout).toContain('(kept 1 day)')
    expect(run.stdout).not.toContain('1 days')
  })
})

describe.concurrent('a dry run proves what a real run needs', () => {
  test('it lists the export jobs and says it would create one', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(
      atlas.apiRequests({ method: 'GET', path: /\/clusters\/[^/]+\/backup\/exports$/ }).filter(r => r.auth !== 'none')
    ).toHaveLength(1)
    expect(atlas.apiRequests({ method: 'POST' })).toHaveLength(0)
    expect(run.stdout).toContain(
      `Dry run: a real run would create an export job of snapshot ${LATEST_SNAPSHOT_ID} to bucket ${BUCKET_ID}; nothing was created.`
    )
    expect(run.summary).toContain('A real run would create an export job.')
  })

  test('an earlier Successful export: it would reuse that job, and says when it finished', async ctx => {
    const atlas = await emulator({}, ctx)
    const done = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: hoursAgo(3),
      state: 'Successful'
    })
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      `Dry run: a real run would reuse export job ${done.id} (Successful, finished ${done.finishedAt}); nothing was created.`
    )
    expect(run.summary).toContain(
      `A real run would reuse export job \`${done.id}\` (Successful, finished ${done.finishedAt}).`
    )
    expect(run.outputs['export-job-id']).toBeUndefined()
  })

  test('an active export: it would take that job over', async ctx => {
    const atlas = await emulator({}, ctx)
    const active = atlas.seedJob({
      clusterName: CLUSTER,
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      createdAt: hoursAgo(1),
      state: 'InProgress'
    })
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      `Dry run: a real run would take over export job ${active.id} (InProgress); nothing was created.`
    )
    expect(run.summary).toContain(`A real run would take over export job \`${active.id}\` (InProgress).`)
  })

  test('a refused list fails the dry run with the role it needs', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'GET',
      path: /\/backup\/exports$/,
      times: 100,
      fault: refusedRole
    })
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain('the Project Backup Manager role')
    expect(run.summary).toContain('**Looking for earlier exports of this snapshot** failed')
  })
})
