import { describe, expect, test } from 'vitest'
import { isFleet, matches, parseClusterEntries } from '../../src/inputs/cluster-entries.js'

describe('parseClusterEntries', () => {
  test('one per line or comma-separated; blank and # lines ignored; ! excludes', () => {
    expect(parseClusterEntries('prod-a\n\n# not this one\n  prod-b, !prod-b-old ,*\n')).toEqual([
      { text: 'prod-a', exclude: false, pattern: false },
      { text: 'prod-b', exclude: false, pattern: false },
      { text: 'prod-b-old', exclude: true, pattern: false },
      { text: '*', exclude: false, pattern: true }
    ])
  })

  test.each([
    ['', 'is required'],
    ['# nothing\n', 'is required'],
    ['!*-dev', 'has only exclusions (!*-dev)'],
    ['prod cluster', 'must be a cluster name as Atlas allows it'],
    ['prod.*', "has the pattern 'prod.*'"],
    [`a${'b'.repeat(64)}`, 'must be at most 64 characters, got 65']
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseClusterEntries(text)).toThrow(message)
  })
})

test('a fleet: more than one entry, or a pattern', () => {
  expect(isFleet(parseClusterEntries('prod'))).toBe(false)
  expect(isFleet(parseClusterEntries('prod-*'))).toBe(true)
  expect(isFleet(parseClusterEntries('a, b'))).toBe(true)
  expect(isFleet(parseClusterEntries('a, !b'))).toBe(true)
})

test('matches: * any characters, ? one, the rest literally, the whole name', () => {
  const entry = (text: string) => parseClusterEntries(text)[0] as Parameters<typeof matches>[0]
  expect(matches(entry('prod-*'), 'prod-eu')).toBe(true)
  expect(matches(entry('prod-*'), 'preprod-eu')).toBe(false)
  expect(matches(entry('*-dev'), 'orders-dev')).toBe(true)
  expect(matches(entry('db?'), 'db1')).toBe(true)
  expect(matches(entry('db?'), 'db12')).toBe(false)
  expect(matches(entry('prod'), 'prod-1')).toBe(false)
  expect(matches(entry('*'), 'anything_at-all')).toBe(true)
})
