import { describe, expect, test } from 'vitest'
import { collectionsText, type ExportJob } from '../../src/backup/export-jobs.js'
import { HEARTBEAT_MS, ProgressLog } from '../../src/flow/progress-log.js'
import { recordingLog } from '../support/recording-log.js'

const job = (state: string, exported?: number, total?: number): ExportJob => ({
  id: 'j1',
  exportBucketId: 'b',
  state,
  ...(total === undefined ? {} : { exportStatus: { exportedCollections: exported, totalCollections: total } })
})

function recorder() {
  const sink = recordingLog()
  return { info: sink.lines.info, debug: sink.lines.debug, sink }
}

describe('ProgressLog', () => {
  test('a two-hour wait polled every 30 s: 240 polls, tens of lines, every poll under debug', () => {
    const { info, debug, sink } = recorder()
    const log = new ProgressLog('Export job j1', 'Queued', 0, sink)
    for (let i = 1; i <= 240; i++) {
      const t = i * 30_000
      const state = t < 20 * 60_000 ? 'Queued' : t < 2 * 3_600_000 ? 'InProgress' : 'Successful'
      const j = job(state, Math.floor(i / 10), 40)
      log.poll(j.state, collectionsText(j), t)
    }
    expect(debug).toHaveLength(240)
    expect(info.length).toBeGreaterThanOrEqual(20)
    expect(info.length).toBeLessThanOrEqual(30)
    expect(info.filter(l => l.includes('→'))).toEqual([
      'Export job j1: Queued → InProgress after 20m (4 of 40 collections exported).',
      'Export job j1: InProgress → Successful after 2h (24 of 40 collections exported).'
    ])
    expect(info[0]).toBe('Export job j1 still Queued after 5m (1 of 40 collections exported).')
  })

  test('a state change is logged at once, and restarts the heartbeat clock', () => {
    const { info, sink } = recorder()
    const log = new ProgressLog('Export job j1', 'Queued', 0, sink)
    log.poll('Queued', undefined, 60_000)
    log.poll('InProgress', undefined, 120_000)
    log.poll('InProgress', undefined, 120_000 + HEARTBEAT_MS - 1)
    log.poll('InProgress', undefined, 120_000 + HEARTBEAT_MS)
    expect(info).toEqual(['Export job j1: Queued → InProgress after 2m.', 'Export job j1 still InProgress after 7m.'])
  })
})
