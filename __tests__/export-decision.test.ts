import { describe, expect, test } from 'vitest'
import { decideExport, type ExportJob } from '../src/backup/export-jobs.js'

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
      expect(decideExport([job('old', 'Successful', '2026-11-30T01:00:00Z'), active], request, ifExported)).toEqual({ kind: 'take-over', job: active })
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
    expect(decideExport([job('f', 'Failed', '2026-12-01T01:00:00Z'), job('c', 'Cancelled', '2026-12-01T02:00:00Z')], request, 'reuse')).toEqual({
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
