import type { Clock } from '../../src/clock.js'

/** A clock that moves only when something sleeps on it: hours of waiting in microseconds. */
export function fakeClock(start = 0, random = 0.5): Clock & { readonly sleeps: number[]; advance(ms: number): void } {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async ms => {
      sleeps.push(ms)
      now += ms
    },
    random: () => random,
    advance: ms => {
      now += ms
    }
  }
}
