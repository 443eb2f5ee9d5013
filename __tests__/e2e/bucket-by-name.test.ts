/**
 * export-bucket-name: the Export Bucket found by its name.
 */
import { describe, expect, test } from 'vitest'
import { BUCKET_ID, BUCKET_NAME, digestInputs, standardProject } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { failureOf, useEmulator } from './helpers.js'

const emulator = useEmulator()

const byName = { 'export-bucket-id': '', 'export-bucket-name': BUCKET_NAME }

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
