import { afterEach, expect, test, vi } from 'vitest'
import { CancelledError } from '../../src/runner/cancellation.js'
import { realClock } from '../../src/runner/clock.js'

afterEach(() => void vi.restoreAllMocks())

test('deadlines are measured on a monotonic clock: a step of the wall clock does not move it', () => {
  const before = realClock.now()
  vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 2 * 3_600_000)
  const after = realClock.now()
  expect(after - before).toBeGreaterThanOrEqual(0)
  expect(after - before).toBeLessThan(60_000)
})

test('a sleep past the largest timer is capped rather than fired at once, and a cancel still ends it', async () => {
  const warnings: string[] = []
  const onWarning = (warning: Error): void => void warnings.push(warning.name)
  process.on('warning', onWarning)
  const cancel = new AbortController()
  const sleeping = realClock.sleep(30 * 24 * 3_600_000, cancel.signal)
  const settled = await Promise.race([
    sleeping.then(() => 'fired'),
    new Promise(resolve => setTimeout(() => resolve('waiting'), 50))
  ])
  expect(settled).toBe('waiting')
  cancel.abort()
  await expect(sleeping).rejects.toBeInstanceOf(CancelledError)
  process.off('warning', onWarning)
  expect(warnings).not.toContain('TimeoutOverflowWarning')
})
