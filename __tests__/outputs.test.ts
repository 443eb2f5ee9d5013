import { expect, test } from 'vitest'
import type { ExportJob } from '../src/backup/export-jobs.js'
import { jobOutputs, Outputs } from '../src/outputs.js'
import { findRecorded } from './support/recorded.js'

test('every job output from the recorded Successful job', () => {
  const body = findRecorded('TestExportJobs', 'Describe_job').body
  expect(jobOutputs(JSON.parse(body) as ExportJob)).toEqual({
    'export-job-id': '6a7945592c88faeba59d5e8e',
    state: 'Successful',
    'export-bucket-id': '6a794342c0eb9e7a17729455',
    prefix: 'exported_snapshots/a0123456789abcdef012345a/b0123456789abcdef012345b/cluster-989/2026-08-10T0327/1786332505',
    'created-at': '2026-08-10T03:28:25Z',
    'finished-at': '2026-08-10T03:43:05Z',
    'exported-collections': '0',
    'total-collections': '0',
    job: body.trim()
  })
})

test('fields Atlas has not set yet are empty outputs', () => {
  const outputs = jobOutputs({ id: 'j', exportBucketId: 'b', state: 'Queued' })
  expect(outputs['finished-at']).toBe('')
  expect(outputs.prefix).toBe('')
  expect(outputs['exported-collections']).toBe('')
})

test('only changed values are written again', () => {
  const written: Array<[string, string]> = []
  const outputs = new Outputs((name, value) => written.push([name, value]))
  const job: ExportJob = { id: 'j', exportBucketId: 'b', state: 'Queued', snapshotId: 's' }
  outputs.snapshot('s')
  outputs.job(job)
  const first = written.length
  outputs.job(job)
  expect(written.length).toBe(first)
  outputs.job({ ...job, state: 'InProgress' })
  expect(written.slice(first)).toEqual([
    ['state', 'InProgress'],
    ['job', JSON.stringify({ ...job, state: 'InProgress' })]
  ])
})
