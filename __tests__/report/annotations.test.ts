import { expect, test } from 'vitest'
import { annotationsOf } from '../../src/report/annotations.js'
import type { ExportRecord } from '../../src/report/record.js'

const failed = (cluster: string): ExportRecord => ({
  cluster,
  failure: { kind: 'atlas-refused', message: `Atlas API 404 CLUSTER_NOT_FOUND: ${cluster}`, hint: 'Check it.' }
})

test("a single run's failure: one annotation, the hint on its own line, no cluster in the title", () => {
  expect(annotationsOf({ exports: [failed('prod')] })).toEqual([
    { title: 'Atlas export failed', message: 'Atlas API 404 CLUSTER_NOT_FOUND: prod\nCheck it.' }
  ])
})

test('a fleet: one per failed cluster, named, at most ten, then one counting the rest', () => {
  const names = Array.from({ length: 13 }, (_, i) => `c${i}`)
  const annotations = annotationsOf({ fleet: true, exports: [{ cluster: 'ok' }, ...names.map(failed)] })
  expect(annotations).toHaveLength(11)
  expect(annotations[0]?.title).toBe('Atlas export failed: c0')
  expect(annotations[10]).toEqual({
    title: 'Atlas export failed: 3 more clusters',
    message: 'Also failed: c10, c11, c12 (each in the job summary and the exports output).'
  })
})

test('what concerns every cluster fails once, whatever the fleet', () => {
  const failure = { kind: 'atlas-refused', message: 'Atlas API 401: no.' } as const
  expect(annotationsOf({ fleet: true, failure, exports: [failed('a'), failed('b')] })).toEqual([
    { title: 'Atlas export failed', message: 'Atlas API 401: no.' }
  ])
})
