import { describe, expect, test } from 'vitest'
import {
  collectionsText,
  decideExport,
  ExportJobFailedError,
  failIfEndedWithoutExport,
  type ExportJob
} from '../../src/backup/export-jobs.js'

const request = { snapshotId: 'snap1', exportBucketId: 'bucket1', customData: [] }
const job = (id: string, state: string, createdAt: string, extra: Partial<ExportJob> = {}): ExportJob => ({
  id,
  state,
  createdAt,
  snapshotId: 'snap1',
  exportBucketId: 'bucket1',
  ...extra
})

describe('decideExport: what a re-run or a repeated schedule does', () => {
  test('none: create', () => {
    expect(decideExport([], request, 'reuse')).toEqual({ kind: 'create' })
  })

  test('an active export of the same snapshot and bucket is taken over, whatever if-exported says', () => {
    const active = job('a', 'InProgress', '2026-12-01T01:00:00Z')
    for (const ifExported of ['reuse', 'export-again'] as const) {
      expect(decideExport([job('old', 'Successful', '2026-11-30T01:00:00Z'), active], request, ifExported)).toEqual({
        kind: 'take-over',
        job: active
      })
    }
    expect(decideExport([job('q', 'queued', '2026-12-01T01:00:00Z')], request, 'reuse').kind).toBe('take-over')
  })

  test('a Successful one is reused (the newest), unless export-again', () => {
    const older = job('older', 'Successful', '2026-11-29T01:00:00Z')
    const newer = job('newer', 'Successful', '2026-11-30T01:00:00Z')
    expect(decideExport([older, newer], request, 'reuse')).toEqual({ kind: 'reuse', job: newer })
    expect(decideExport([older, newer], request, 'export-again')).toEqual({ kind: 'create' })
  })

  test('Failed or Cancelled ones do not count', () => {
    expect(
      decideExport(
        [job('f', 'Failed', '2026-12-01T01:00:00Z'), job('c', 'Cancelled', '2026-12-01T02:00:00Z')],
        request,
        'reuse'
      )
    ).toEqual({
      kind: 'create'
    })
  })

  test('another snapshot, or another bucket, is another export', () => {
    const jobs = [
      job('s', 'Successful', '2026-12-01T01:00:00Z', { snapshotId: 'snap2' }),
      job('b', 'InProgress', '2026-12-01T01:00:00Z', { exportBucketId: 'bucket2' })
    ]
    expect(decideExport(jobs, request, 'reuse')).toEqual({ kind: 'create' })
  })
})

const jobIn = (state: string, extra: Partial<ExportJob> = {}): ExportJob => ({
  id: 'j1',
  exportBucketId: 'b',
  state,
  ...extra
})

describe('a job that ended without an export', () => {
  test('a Failed job names the id, the state and the stateReason', () => {
    const error = new ExportJobFailedError(
      jobIn('Failed', {
        stateReason: { errorCode: 'EXPORT_BUCKET_ACCESS_DENIED', message: 'Atlas could not write to the bucket.' }
      }),
      false
    )
    expect(error.message).toBe(
      'Export job j1 ended Failed: EXPORT_BUCKET_ACCESS_DENIED: Atlas could not write to the bucket.'
    )
    expect(error.errorCode).toBe('EXPORT_BUCKET_ACCESS_DENIED')
  })

  test('a Cancelled job without a reason says so', () => {
    expect(new ExportJobFailedError(jobIn('Cancelled'), false).message).toBe(
      'Export job j1 ended Cancelled (Atlas gave no reason)'
    )
  })

  test('one rule: Failed and Cancelled fail, in any letter case; Successful and active jobs do not', () => {
    for (const state of ['Failed', 'Cancelled', 'FAILED', 'cancelled']) {
      expect(() => failIfEndedWithoutExport(jobIn(state), true)).toThrow(ExportJobFailedError)
    }
    for (const state of ['Successful', 'Queued', 'InProgress'])
      expect(() => failIfEndedWithoutExport(jobIn(state), true)).not.toThrow()
    expect(() => failIfEndedWithoutExport(jobIn('Failed'), true)).toThrow(
      'Export job j1 had already ended Failed when this run read it'
    )
  })
})

describe('collectionsText', () => {
  test('only when Atlas counts collections, and never as a percentage', () => {
    const counted = (state: string, exported?: number, total?: number): ExportJob =>
      jobIn(
        state,
        total === undefined ? {} : { exportStatus: { exportedCollections: exported, totalCollections: total } }
      )
    expect(collectionsText(counted('InProgress', 3, 10))).toBe('3 of 10 collections exported')
    expect(collectionsText(counted('Successful', 0, 0))).toBeUndefined()
    expect(collectionsText(counted('InProgress'))).toBeUndefined()
  })
})
