import { describe, expect, test } from 'vitest'
import { formatDuration, parseDuration } from '../../src/inputs/duration.js'

describe('parseDuration', () => {
  test.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1h0m5s', 3_605_000],
    [' 10M ', 600_000],
    ['0', 0]
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  test.each(['', '1x', 'h', '1.5h', '-5s', '30m1h', '1 h', 'PT1H', '1h 30m'])('%j is not a duration', text => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [999, '1s'],
    [45_000, '45s'],
    [880_000, '14m 40s'],
    [3_600_000, '1h'],
    [3_903_000, '1h 5m 3s']
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
