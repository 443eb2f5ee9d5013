import { expect, test } from 'vitest'
import { Throttle } from '../../src/atlas/throttle.js'
import { fakeClock } from '../support/fake-clock.js'

test('a few in flight at most; the next waits for a place and gets it in turn', async () => {
  const throttle = new Throttle(2)
  const clock = fakeClock(0)
  const order: string[] = []
  const first = await throttle.enter(clock, Infinity, undefined)
  const second = await throttle.enter(clock, Infinity, undefined)
  const third = throttle.enter(clock, Infinity, undefined).then(release => {
    order.push('third')
    return release
  })
  await new Promise(resolve => setImmediate(resolve))
  expect(order).toEqual([])
  first()
  first() // a second release of the same place frees nothing more
  const releaseThird = await third
  expect(order).toEqual(['third'])
  second()
  releaseThird()
})

test("a 429's pause is waited out by every request, never past the deadline", async () => {
  const throttle = new Throttle(4)
  const clock = fakeClock(1_000)
  throttle.pause(4_000)
  ;(await throttle.enter(clock, Infinity, undefined))()
  expect(clock.now()).toBe(4_000)
  throttle.pause(10_000)
  ;(await throttle.enter(clock, 6_000, undefined))()
  expect(clock.now()).toBe(6_000)
  // The pause still holds for a request with more time; once over, it costs nothing.
  ;(await throttle.enter(clock, Infinity, undefined))()
  ;(await throttle.enter(clock, Infinity, undefined))()
  expect(clock.sleeps).toEqual([3_000, 2_000, 4_000])
})
