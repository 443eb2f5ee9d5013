/** `snapshot-id: new`, `export-bucket-name` and `dry-run`, through the bundle. */
import { describe, expect, test } from 'vitest'
import { runAction } from '../../scripts/run-action.js'
import {
  BUCKET_ID,
  BUCKET_NAME,
  CLUSTER,
  LATEST_SNAPSHOT_ID,
  PROJECT_ID,
  QUEUED_SNAPSHOT_ID,
  SHARDED_CLUSTER,
  digestInputs,
  serviceAccountInputs,
  standardProject
} from '../../scripts/atlas-emulator/scenario.js'
import { failureOf, useEmulator, waitedSeconds } from './helpers.js'

const emulator = useEmulator()
const byName = { 'export-bucket-id': '', 'export-bucket-name': BUCKET_NAME }

describe.concurrent('snapshot-id: new', () => {
  test('takes an on-demand snapshot named for the run, waits until completed, exports it', async ctx => {
    const atlas = await emulator({ snapshotTimeline: [{ status: 'inProgress' }, { status: 'inProgress' }, { status: 'completed' }] }, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { 'snapshot-id': 'new', 'snapshot-retention-days': '7', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    const taken = atlas.projects[0]!.clusters.find(c => c.name === CLUSTER)!.snapshots.at(-1)!
    expect(taken).toMatchObject({ status: 'completed', snapshotType: 'onDemand', retentionInDays: 7 })
    expect(taken.description).toBe("atlas-snapshot-export: on-demand snapshot for octo-org/backups, workflow 'Nightly export', run 4242 attempt 1")
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
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'cluster-name': SHARDED_CLUSTER, 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.apiRequests({ method: 'GET', path: /\/snapshots\// }).every(r => r.path.includes('/snapshots/shardedCluster/'))).toBe(true)
    expect(atlas.jobs).toHaveLength(1)
  })

  test('a snapshot that ends failed: red, and nothing is exported', async ctx => {
    const atlas = await emulator({ snapshotTimeline: [{ status: 'inProgress' }, { status: 'failed' }] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    const id = run.outputs['snapshot-id']
    expect(failureOf(run).message).toBe(`On-demand snapshot ${id} ended failed: Atlas could not take it, and nothing was exported.`)
    expect(atlas.jobs).toHaveLength(0)
    expect(run.summary).toContain('**Taking the on-demand snapshot** failed')
  })

  test('a snapshot still running at wait-timeout: red, says so, nothing exported', async ctx => {
    const atlas = await emulator({ snapshotTimeline: Array.from({ length: 20 }, () => ({ status: 'inProgress' as const })) }, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s', 'wait-timeout': '2s' }))
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

describe.concurrent('export-bucket-name', () => {
  test('is resolved to its id, reading every page of the bucket list (version 2024-05-30)', async ctx => {
    const project = standardProject()
    const filler = Array.from({ length: 600 }, (_, i) => ({
      _id: (0x6b0000000000000000000000n + BigInt(i)).toString(16),
      bucketName: `other-${i}`,
      cloudProvider: 'AWS' as const,
      iamRoleId: 'c0123456789abcdef012345c'
    }))
    project.buckets = [...filler, ...project.buckets]
    const atlas = await emulator({ projects: [project] }, ctx)
    const run = await runAction(digestInputs(atlas.url, byName))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs[0]?.exportBucketId).toBe(BUCKET_ID)
    expect(run.outputs['export-bucket-id']).toBe(BUCKET_ID)
    const lists = atlas.apiRequests({ path: /exportBuckets$/ }).filter(r => r.status === 200)
    expect(lists.map(r => r.query.get('pageNum'))).toEqual(['1', '2'])
    expect(lists.every(r => r.headers.accept === 'application/vnd.atlas.2024-05-30+json')).toBe(true)
    expect(run.summary).toContain(`| Export bucket | \`${BUCKET_ID}\` (${BUCKET_NAME}, AWS) |`)
  })

  test('no such bucket: a clear error listing what exists, and no export', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { ...byName, 'export-bucket-name': 'nightly-exports' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      `Input 'export-bucket-name': no Export Bucket of this project is named 'nightly-exports'. The project's Export Buckets: ${BUCKET_NAME} (AWS, ${BUCKET_ID}), archive-bucket (GCP, 6a794342c0eb9e7a17729455).`
    )
    expect(atlas.jobs).toHaveLength(0)
  })

  test('several buckets of that name: a clear error naming each, and no export', async ctx => {
    const project = standardProject()
    project.buckets.push({
      _id: '6a79434200000000000000aa',
      bucketName: BUCKET_NAME,
      cloudProvider: 'AZURE',
      roleId: 'c0123456789abcdef012345e',
      serviceUrl: 'https://examplestorageaccount.blob.core.windows.net/exportcontainer',
      tenantId: '4a1f2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
    })
    const atlas = await emulator({ projects: [project] }, ctx)
    const run = await runAction(digestInputs(atlas.url, byName))
    expect(failureOf(run).message).toBe(
      `Input 'export-bucket-name': 2 Export Buckets of this project are named '${BUCKET_NAME}': ${BUCKET_NAME} (AWS, ${BUCKET_ID}), ${BUCKET_NAME} (AZURE, 6a79434200000000000000aa). Use export-bucket-id to say which.`
    )
    expect(atlas.jobs).toHaveLength(0)
  })
})

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
    expect(run.outputs).toMatchObject({ 'snapshot-id': LATEST_SNAPSHOT_ID, 'export-bucket-id': BUCKET_ID, 'error-code': '' })
    expect(run.outputs['export-job-id']).toBeUndefined()
    expect(run.stdout).toContain(`Dry run: a real run would create an export job of snapshot ${LATEST_SNAPSHOT_ID} to bucket ${BUCKET_ID}; nothing was created.`)
    expect(run.summary).toContain('## 🧪 Atlas snapshot export: dry run, nothing exported')
    expect(run.summary).toContain(`| Export bucket | \`${BUCKET_ID}\` (${BUCKET_NAME}, AWS) |`)
    expect(atlas.tokensRevoked).toBe(1)
  })

  test('a given snapshot is checked: one that is not completed fails the dry run', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true', 'snapshot-id': QUEUED_SNAPSHOT_ID }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(`Snapshot ${QUEUED_SNAPSHOT_ID} of ${CLUSTER} cannot be exported: its status is queued, not completed.`)
    expect(atlas.apiRequests({ method: 'POST' })).toHaveLength(0)
  })

  test('a given snapshot that does not exist fails with what Atlas said', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true', 'snapshot-id': '6a7999992c88faeba59d0000' }))
    expect(failureOf(run).message).toBe(`Atlas API 404 SNAPSHOT_NOT_FOUND: No snapshot with ID 6a7999992c88faeba59d0000 exists for cluster ${CLUSTER}.`)
    expect(run.outputs['error-code']).toBe('SNAPSHOT_NOT_FOUND')
  })

  test('a bucket id that does not exist fails with what Atlas said', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'dry-run': 'true', 'export-bucket-id': '6a79999900000000000000ff' }))
    expect(failureOf(run).message).toBe('Atlas API 404 EXPORT_BUCKET_NOT_FOUND: No export Bucket with ID 6a79999900000000000000ff does not exist.')
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
