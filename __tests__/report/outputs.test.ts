import { describe, expect, test } from 'vitest'
import type { ExportJob } from '../../src/backup/export-jobs.js'
import { exportsOf, jobOutputs, OutputWriter, outputsOf } from '../../src/report/outputs.js'
import type { RunRecord } from '../../src/report/record.js'
import { findRecorded } from '../support/recorded.js'

test('every job output from the recorded Successful job', () => {
  const body = findRecorded('TestExportJobs', 'Describe_job').body
  expect(jobOutputs(JSON.parse(body) as ExportJob)).toEqual({
    'export-job-id': '6a7945592c88faeba59d5e8e',
    state: 'Successful',
    prefix:
      'exported_snapshots/a0123456789abcdef012345a/b0123456789abcdef012345b/cluster-989/2026-08-10T0327/1786332505',
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
  const writer = new OutputWriter((name, value) => void written.push([name, value]))
  const job: ExportJob = { id: 'j', exportBucketId: 'b', state: 'Queued', snapshotId: 's' }
  const record: RunRecord = { exports: [{ cluster: 'c', snapshot: { id: 's', origin: 'given' }, job }] }
  writer.write(outputsOf(record))
  const first = written.length
  writer.write(outputsOf(record))
  expect(written.length).toBe(first)
  writer.write(outputsOf({ exports: [{ cluster: 'c', job: { ...job, state: 'InProgress' } }] }))
  expect(written.slice(first).map(([name]) => name)).toEqual(['state', 'job', 'exports'])
  expect(written.slice(first)[1]).toEqual(['job', JSON.stringify({ ...job, state: 'InProgress' })])
})

const bucket = { id: 'b1', name: 'test-bucket', cloudProvider: 'AWS' }

describe('outputsOf: every output derived from the record', () => {
  const job: ExportJob = {
    id: 'j',
    exportBucketId: 'b1',
    state: 'Successful',
    snapshotId: 's',
    prefix: 'exported_snapshots/p'
  }

  test('what is known as it is known: the bucket before the job, export-url once the prefix is', () => {
    expect(outputsOf({ bucket, exports: [{ cluster: 'c' }] })).toMatchObject({
      'export-bucket-id': 'b1',
      'bucket-name': 'test-bucket',
      'cloud-provider': 'AWS',
      'export-url': ''
    })
    expect(outputsOf({ bucket, exports: [{ cluster: 'c', job }] })).toMatchObject({
      'snapshot-id': 's',
      'export-job-id': 'j',
      'export-url': 's3://test-bucket/exported_snapshots/p'
    })
  })

  test('the job names its bucket and snapshot: they win over what was chosen', () => {
    const outputs = outputsOf({
      bucket,
      exports: [{ cluster: 'c', snapshot: { id: 'other', origin: 'given' }, job: { ...job, exportBucketId: 'b2' } }]
    })
    expect(outputs).toMatchObject({ 'snapshot-id': 's', 'export-bucket-id': 'b2' })
  })

  test('error-code: empty once the run ended well, the code of what failed it, none while it runs or after a cancel', () => {
    expect(outputsOf({ exports: [{ cluster: 'c', job }] })['error-code']).toBeUndefined()
    expect(outputsOf({ ended: true, exports: [{ cluster: 'c', job }] })['error-code']).toBe('')
    const failure = { kind: 'export-failed', message: 'm', errorCode: 'EXPORT_FAILED_KMS' } as const
    expect(outputsOf({ exports: [{ cluster: 'c', job, failure }] })['error-code']).toBe('EXPORT_FAILED_KMS')
    expect(
      outputsOf({ ended: true, failure: { kind: 'cancelled', message: 'm' }, exports: [] })['error-code']
    ).toBeUndefined()
  })

  test('no single-export outputs for a run of several exports', () => {
    const outputs = outputsOf({
      bucket,
      exports: [
        { cluster: 'a', job },
        { cluster: 'b', job }
      ]
    })
    expect(outputs['export-job-id']).toBeUndefined()
    expect(outputs['export-url']).toBeUndefined()
  })
})

describe('exports: one element per cluster, every run', () => {
  const job: ExportJob = {
    id: 'j',
    exportBucketId: 'b1',
    state: 'Successful',
    snapshotId: 's',
    prefix: 'p',
    createdAt: 'c'
  }
  test("each cluster's result and error code, absent values empty, in the run's order", () => {
    const record: RunRecord = {
      bucket,
      fleet: true,
      exports: [
        { cluster: 'a', job, origin: 'reused' },
        {
          cluster: 'b',
          failure: {
            kind: 'atlas-refused',
            message: 'Atlas API 404 CLUSTER_NOT_FOUND: no.',
            errorCode: 'CLUSTER_NOT_FOUND'
          }
        }
      ]
    }
    expect(exportsOf(record)).toEqual([
      {
        cluster: 'a',
        state: 'Successful',
        exportJobId: 'j',
        snapshotId: 's',
        exportBucketId: 'b1',
        bucketName: 'test-bucket',
        cloudProvider: 'AWS',
        prefix: 'p',
        exportUrl: 's3://test-bucket/p',
        createdAt: 'c',
        finishedAt: '',
        origin: 'reused',
        errorCode: '',
        error: ''
      },
      expect.objectContaining({
        cluster: 'b',
        state: '',
        exportJobId: '',
        errorCode: 'CLUSTER_NOT_FOUND',
        error: 'Atlas API 404 CLUSTER_NOT_FOUND: no.'
      })
    ])
    const outputs = outputsOf(record)
    expect(JSON.parse(outputs.exports as string)).toHaveLength(2)
    expect(outputs['error-code']).toBe('CLUSTER_NOT_FOUND')
    expect(outputs['export-job-id']).toBeUndefined()
  })

  test("a failure of the whole run is each export's error too", () => {
    const failure = { kind: 'atlas-refused', message: 'Atlas API 401: no.', errorCode: 'UNAUTHORIZED' } as const
    expect(exportsOf({ failure, exports: [{ cluster: 'a' }] })[0]).toMatchObject({
      errorCode: 'UNAUTHORIZED',
      error: 'Atlas API 401: no.'
    })
  })
})
