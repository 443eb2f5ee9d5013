import { describe, expect, test } from 'vitest'
import { concernsEveryExport, Recorder, runFailure, type RunRecord } from '../../src/report/record.js'

describe('Recorder: the one writer of the record', () => {
  test('every change is handed on at once; an export record is made on first use, once per cluster', () => {
    const seen: string[] = []
    const recorder = new Recorder(record => void seen.push(JSON.stringify(record)))
    recorder.run(r => void (r.bucket = { id: 'b' }))
    recorder.export('a', r => void (r.stage = 'snapshot'))
    recorder.export('b', () => {})
    recorder.export('a', r => void (r.stage = 'create'))
    expect(seen).toHaveLength(4)
    expect(recorder.record.exports.map(e => [e.cluster, e.stage])).toEqual([
      ['a', 'create'],
      ['b', undefined]
    ])
    expect(JSON.parse(seen.at(-1) as string)).toEqual(recorder.record)
  })
})

describe('runFailure and concernsEveryExport', () => {
  test("the run's own failure first, else the first export's", () => {
    const record: RunRecord = {
      exports: [{ cluster: 'a' }, { cluster: 'b', failure: { kind: 'export-failed', message: 'b failed' } }]
    }
    expect(runFailure(record)?.message).toBe('b failed')
    expect(runFailure({ ...record, failure: { kind: 'cancelled', message: 'cancelled' } })?.message).toBe('cancelled')
    expect(runFailure({ exports: [{ cluster: 'a' }] })).toBeUndefined()
  })

  test('inputs, signing in and the bucket concern every export; the rest one cluster', () => {
    expect(['inputs', 'sign-in', 'clusters', 'bucket', undefined].map(s => concernsEveryExport(s as never))).toEqual([
      true,
      true,
      true,
      true,
      true
    ])
    expect(
      ['snapshot', 'take-snapshot', 'look', 'create', 'wait', 'read-job'].map(s => concernsEveryExport(s as never))
    ).toEqual([false, false, false, false, false, false])
  })
})
