/**
 * Exporting a snapshot: the export job created, its outputs, where it lands, and waiting for it
 * to end.
 */
import { describe, expect, test } from 'vitest'
import {
  BUCKET_ID,
  CLUSTER,
  digestInputs,
  EMPTY_CLUSTER,
  LATEST_SNAPSHOT_ID,
  OTHER_BUCKET_ID,
  PROJECT_ID,
  serviceAccountInputs,
  SHARDED_CLUSTER,
  SHARDED_SNAPSHOT_ID,
  standardProject
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { failureOf, pollsOf, useEmulator, visibleLog, waitedSeconds } from './helpers.js'

const emulator = useEmulator()

const JOB_OUTPUTS = [
  'export-job-id',
  'state',
  'snapshot-id',
  'export-bucket-id',
  'bucket-name',
  'cloud-provider',
  'export-url',
  'prefix',
  'created-at',
  'finished-at',
  'exported-collections',
  'total-collections',
  'job',
  'error-code',
  'exports'
]

describe.concurrent('creating an export job', () => {
  test('Digest, explicit snapshot: the challenge, the look at the export list, one POST, every output set', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'custom-data': 'ticket=OPS-1\nquery=a=b' }))
    expect(run.exitCode).toBe(0)
    // The bucket (once, for where the export lands), the look at the export list, the create.
    expect(atlas.requests.map(r => `${r.method} ${r.auth} ${r.status}`)).toEqual([
      'GET none 401',
      'GET digest 200',
      'GET digest 200',
      'POST digest 200'
    ])
    const post = atlas.requests[3]
    expect(post?.path).toBe(`/api/atlas/v2/groups/${PROJECT_ID}/clusters/${CLUSTER}/backup/exports`)
    expect(post?.headers['user-agent']).toMatch(/^atlas-snapshot-export\/\d+\.\d+\.\d+ /)
    expect(JSON.parse(post?.body ?? '')).toEqual({
      snapshotId: LATEST_SNAPSHOT_ID,
      exportBucketId: BUCKET_ID,
      customData: [
        { key: 'ticket', value: 'OPS-1' },
        { key: 'query', value: 'a=b' }
      ]
    })
    const job = atlas.jobs[0]
    expect(Object.keys(run.outputs).sort()).toEqual([...JOB_OUTPUTS].sort())
    expect(run.outputs).toMatchObject({
      'export-job-id': job?.id,
      state: 'Queued',
      'snapshot-id': LATEST_SNAPSHOT_ID,
      'export-bucket-id': BUCKET_ID,
      'bucket-name': 'test-bucket',
      'cloud-provider': 'AWS',
      'export-url': `s3://test-bucket/${job?.prefix}`,
      prefix: job?.prefix,
      'created-at': job?.createdAt,
      'finished-at': '',
      'exported-collections': '0',
      'total-collections': '0',
      'error-code': ''
    })
    expect(JSON.parse(run.outputs.job ?? '')).toMatchObject({ id: job?.id, state: 'Queued' })
    expect(run.stdout).toContain(
      `Created export job ${job?.id} (Queued) of snapshot ${LATEST_SNAPSHOT_ID} to bucket ${BUCKET_ID}.`
    )
  })

  test('latest: the newest completed non-fallback snapshot, listed out of order; 5 requests in all', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['snapshot-id']).toBe(LATEST_SNAPSHOT_ID)
    expect(atlas.jobs[0]?.snapshotId).toBe(LATEST_SNAPSHOT_ID)
    expect(atlas.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'GET 401',
      'GET 200',
      'GET 200',
      'GET 200',
      'POST 200'
    ])
    expect(run.stdout).toContain(`Latest exportable snapshot of ${CLUSTER}: ${LATEST_SNAPSHOT_ID}`)
  })

  test('latest on a sharded cluster: its own snapshot list, and the job lists its components', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest', 'cluster-name': SHARDED_CLUSTER }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['snapshot-id']).toBe(SHARDED_SNAPSHOT_ID)
    expect(JSON.parse(run.outputs.job ?? '').components).toHaveLength(2)
    expect(run.outputs['total-collections']).toBe('')
  })

  test('latest with no exportable snapshot: a clear failure and no POST', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest', 'cluster-name': EMPTY_CLUSTER }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      `Cluster ${EMPTY_CLUSTER} has no exportable snapshot (status completed, not a fallback snapshot): nothing to export.`
    )
    expect(atlas.apiRequests({ method: 'POST' })).toHaveLength(0)
    expect(atlas.jobs).toHaveLength(0)
  })

  test('envelope=true: the job is read out of the envelope', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { envelope: 'true', 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.apiRequests().every(r => r.query.get('envelope') === 'true')).toBe(true)
    expect(run.outputs).toMatchObject({
      state: 'Queued',
      'export-job-id': atlas.jobs[0]?.id,
      'snapshot-id': LATEST_SNAPSHOT_ID
    })
  })
})

describe.concurrent('waiting', () => {
  test('until Successful: one GET per poll, each state change logged, final outputs', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          { state: 'InProgress', exportStatus: { exportedCollections: 1, totalCollections: 4 } },
          { state: 'Successful', exportStatus: { exportedCollections: 4, totalCollections: 4 } }
        ]
      },
      ctx
    )
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    const id = atlas.jobs[0]?.id
    expect(pollsOf(atlas).map(r => r.path.split('/').at(-1))).toEqual([id, id])
    expect(run.outputs).toMatchObject({
      state: 'Successful',
      'exported-collections': '4',
      'total-collections': '4',
      'error-code': ''
    })
    expect(run.outputs['finished-at']).toBe(atlas.jobs[0]?.finishedAt)
    expect(run.stdout).toMatch(
      new RegExp(`Export job ${id}: Queued → InProgress after \\d+s \\(1 of 4 collections exported\\)\\.`)
    )
    expect(run.stdout).toMatch(
      new RegExp(`Export job ${id}: InProgress → Successful after \\d+s \\(4 of 4 collections exported\\)\\.`)
    )
    expect(atlas.tokensRevoked).toBe(1)
  })

  test('a job that ends Failed: red, with the id, the state and the stateReason; outputs set', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          {
            state: 'Failed',
            stateReason: { errorCode: 'EXPORT_BUCKET_ACCESS_DENIED', message: 'Atlas could not write to the bucket.' }
          }
        ]
      },
      ctx
    )
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    const id = atlas.jobs[0]?.id
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toEqual({
      title: 'Atlas export job Failed',
      message: `Export job ${id} ended Failed: EXPORT_BUCKET_ACCESS_DENIED: Atlas could not write to the bucket.`
    })
    expect(run.outputs).toMatchObject({
      'export-job-id': id,
      state: 'Failed',
      'error-code': 'EXPORT_BUCKET_ACCESS_DENIED'
    })
    expect(run.outputs['finished-at']).not.toBe('')
    expect(visibleLog(run)).not.toMatch(/\n\s+at /)
  })

  test('a wait that times out: red, says how long and which job, the export goes on; outputs set', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'wait-timeout': '3s' }))
    const id = atlas.jobs[0]?.id
    expect(run.exitCode).toBe(1)
    const message = failureOf(run).message
    expect(message).toMatch(
      new RegExp(
        `^Stopped waiting after \\d+s \\(wait-timeout\\): export job ${id} is still (Queued|InProgress)\\. The export goes on in Atlas`
      )
    )
    // The deadline holds (never before 3 s); the upper bound is wide: a loaded machine is slow, never early.
    expect(waitedSeconds(message)).toBeGreaterThanOrEqual(3)
    expect(waitedSeconds(message)).toBeLessThan(3 + 10)
    expect(run.outputs).toMatchObject({ 'export-job-id': id, 'error-code': '' })
    expect(run.outputs.state).toBe(pollsOf(atlas).length > 0 ? 'InProgress' : 'Queued')
    // At most one poll per interval, the last one on the deadline.
    expect(pollsOf(atlas).length).toBeLessThanOrEqual(3)
  })
})

describe.concurrent('a wait that ran out is not a failed export', () => {
  test('red, but the title and headline say the export still runs and the wait stopped, with the job and how to follow it', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'wait-timeout': '2s' }))
    expect(run.exitCode).toBe(1)
    const id = atlas.jobs[0]?.id as string
    const { title, message } = failureOf(run)
    expect(title).toBe('Atlas export still running: the wait stopped (wait-timeout)')
    expect(message).toContain(
      `re-run this workflow (the run takes the job over), or give export-job-id: ${id} to a later step with wait: true.`
    )
    expect(run.summary).toMatch(/^## ⏳ Atlas export still running: the wait stopped \(wait-timeout\)\n/)
    expect(run.summary).not.toContain('failed')
  })
})

describe.concurrent('where the export lands', () => {
  test('GCP: gs://, the bucket read once, name and cloud in the summary', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'export-bucket-id': OTHER_BUCKET_ID }))
    expect(run.exitCode).toBe(0)
    const job = atlas.jobs[0]
    expect(run.outputs).toMatchObject({
      'bucket-name': 'archive-bucket',
      'cloud-provider': 'GCP',
      'export-url': `gs://archive-bucket/${job?.prefix}`
    })
    expect(atlas.apiRequests({ path: /exportBuckets/ }).filter(r => r.auth !== 'none')).toHaveLength(1)
    expect(run.summary).toContain(`| Export bucket | \`${OTHER_BUCKET_ID}\` (archive-bucket, GCP) |`)
    expect(run.summary).toContain(`| Destination | \`gs://archive-bucket/${job?.prefix}\` |`)
  })

  test('Azure: the serviceUrl and the prefix, the container once; a bucket found by name is not read again', async ctx => {
    const project = standardProject()
    const azure = '6a79434200000000000000ab'
    project.buckets.push({
      _id: azure,
      bucketName: 'exportcontainer',
      cloudProvider: 'AZURE',
      roleId: 'c0123456789abcdef012345e',
      serviceUrl: 'https://examplestorageaccount.blob.core.windows.net/exportcontainer',
      tenantId: '4a1f2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
    })
    const atlas = await emulator({ projects: [project] }, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'export-bucket-id': '', 'export-bucket-name': 'exportcontainer' })
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs['export-url']).toBe(
      `https://examplestorageaccount.blob.core.windows.net/exportcontainer/${atlas.jobs[0]?.prefix}`
    )
    expect(run.outputs['cloud-provider']).toBe('AZURE')
    expect(atlas.apiRequests({ path: /exportBuckets\/[0-9a-f]{24}$/ })).toEqual([])
  })

  test('the outputs name the bucket even when the create then fails', async ctx => {
    const atlas = await emulator({ missingExportRole: true }, ctx)
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({
      'export-bucket-id': BUCKET_ID,
      'bucket-name': 'test-bucket',
      'cloud-provider': 'AWS',
      'export-url': ''
    })
  })
})

describe.concurrent('custom-data', () => {
  test('JSON custom-data keeps numbers as written', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'custom-data': '{"big": 12345678901234567890, "version": 1.10, "ok": true}' })
    )
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs[0]?.customData).toEqual([
      { key: 'big', value: '12345678901234567890' },
      { key: 'version', value: '1.10' },
      { key: 'ok', value: 'true' }
    ])
  })
})
