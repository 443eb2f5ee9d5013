/**
 * Telling users the truth, through the bundle: the role of the call that was refused,
 * the stage that really failed, a wait that ran out told apart from a failed export,
 * where the export lands, and what a dry run checks.
 */
import { describe, expect, test } from 'vitest'
import { runAction } from '../../scripts/run-action.js'
import { API_KEY, BUCKET_ID, digestInputs, OTHER_BUCKET_ID, serviceAccountInputs, standardProject } from '../../scripts/atlas-emulator/scenario.js'
import { failureOf, useEmulator } from './helpers.js'

const emulator = useEmulator()
const refused = {
  status: 403,
  body: JSON.stringify({
    detail: 'Current user is not authorized to perform this action.',
    error: 403,
    errorCode: 'USER_UNAUTHORIZED',
    parameters: [],
    reason: 'Forbidden'
  }),
  headers: { 'X-Error-Code': 'USER_UNAUTHORIZED' }
}

describe.concurrent('a refused call names its own role', () => {
  test.for<[string, string, RegExp, Record<string, string>]>([
    ['the look at the export list', 'GET', /\/backup\/exports$/, {}],
    ['the create', 'POST', /\/backup\/exports$/, {}],
    ['a poll of the job', 'GET', /\/backup\/exports\/[0-9a-f]{24}$/, { wait: 'true', 'poll-interval': '1s' }],
    ['taking a snapshot', 'POST', /\/backup\/snapshots$/, { 'snapshot-id': 'new' }],
    ['reading the snapshots', 'GET', /\/backup\/snapshots$/, { 'snapshot-id': 'latest' }],
    ['reading the bucket', 'GET', /\/exportBuckets\/[0-9a-f]{24}$/, {}]
  ])('%s', async ([_what, method, path, extra], ctx) => {
    const role = {
      'the look at the export list': 'Project Backup Manager',
      'the create': 'Project Backup Export Operator',
      'a poll of the job': 'Project Backup Manager',
      'taking a snapshot': 'Project Backup Creator',
      'reading the snapshots': 'Project Read Only',
      'reading the bucket': 'Project Read Only'
    }[_what]
    const atlas = await emulator({}, ctx)
    atlas.inject({ method, path, times: 100, fault: refused })
    const run = await runAction(digestInputs(atlas.url, extra))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      `Atlas API 403 USER_UNAUTHORIZED: Current user is not authorized to perform this action.\nGive the API key ('public-key' and 'private-key') the ${role} role (or Project Owner) on this project.`
    )
  })

  test("a 409 whose follow-up list is refused keeps the 409's own detail too", async ctx => {
    const atlas = await emulator({}, ctx)
    const conflict = {
      status: 409,
      body: JSON.stringify({ detail: 'An export of this snapshot is already running.', error: 409, errorCode: 'CONFLICT', parameters: [], reason: 'Conflict' })
    }
    atlas.inject({ method: 'POST', path: /\/backup\/exports$/, fault: conflict })
    atlas.inject({ method: 'GET', path: /\/backup\/exports$/, after: 1, times: 100, fault: refused })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    const { message } = failureOf(run)
    expect(message).toContain('Atlas API 403 USER_UNAUTHORIZED')
    expect(message).toContain('(asked after the create was refused: Atlas API 409 CONFLICT: An export of this snapshot is already running.)')
    expect(message).toContain('Project Backup Manager')
  })
})

describe.concurrent('the stage that failed is the real one', () => {
  test('a wrong private key: signing in failed, not choosing the snapshot', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'private-key': `${API_KEY.privateKey}x`, 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('**Signing in to Atlas** failed: Atlas API 401')
  })

  test('a wrong service-account secret: signing in failed', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { 'client-secret': 'mdb_sa_sk_wrong' }))
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('**Signing in to Atlas** failed: Atlas API 401 invalid_client')
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
    expect(message).toContain(`re-run this workflow (the run takes the job over), or give export-job-id: ${id} to a later step with wait: true.`)
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
    expect(run.outputs).toMatchObject({ 'bucket-name': 'archive-bucket', 'cloud-provider': 'GCP', 'export-url': `gs://archive-bucket/${job?.prefix}` })
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
    const run = await runAction(digestInputs(atlas.url, { 'export-bucket-id': '', 'export-bucket-name': 'exportcontainer' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['export-url']).toBe(`https://examplestorageaccount.blob.core.windows.net/exportcontainer/${atlas.jobs[0]?.prefix}`)
    expect(run.outputs['cloud-provider']).toBe('AZURE')
    expect(atlas.apiRequests({ path: /exportBuckets\/[0-9a-f]{24}$/ })).toEqual([])
  })

  test('the outputs name the bucket even when the create then fails', async ctx => {
    const atlas = await emulator({ missingExportRole: true }, ctx)
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'export-bucket-id': BUCKET_ID, 'bucket-name': 'test-bucket', 'cloud-provider': 'AWS', 'export-url': '' })
  })
})

describe.concurrent('a dry run', () => {
  test('of snapshot-id: new checks the cluster: a mistyped one is red', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'dry-run': 'true', 'cluster-name': 'prdo' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^Atlas API 404 CLUSTER_NOT_FOUND: No cluster named prdo exists/)
    expect(atlas.apiRequests({ method: 'POST' })).toEqual([])
  })

  test('says what it cannot prove', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain('| Snapshot | a new on-demand snapshot would be taken (kept 1 day) |')
    expect(run.summary).toContain('What a dry run cannot prove: that the credential may create the export (or take a snapshot).')
    expect(run.stdout).toContain('(kept 1 day)')
    expect(run.stdout).not.toContain('1 days')
  })
})
