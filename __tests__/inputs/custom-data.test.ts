import { describe, expect, test } from 'vitest'
import { parseCustomData } from '../../src/inputs/custom-data.js'

describe('custom-data as key=value lines', () => {
  test('keeps order, skips blank and # lines, allows = in values', () => {
    const text = '# why this export\nticket=OPS-1234\n\nquery=a=b&c=d\n  owner = data team  \r\n'
    expect(parseCustomData(text)).toEqual([
      { key: 'ticket', value: 'OPS-1234' },
      { key: 'query', value: 'a=b&c=d' },
      { key: 'owner', value: 'data team' }
    ])
  })

  test('an empty value is kept', () => {
    expect(parseCustomData('note=')).toEqual([{ key: 'note', value: '' }])
  })

  test('empty input is no custom data', () => {
    expect(parseCustomData('  \n ')).toEqual([])
  })

  test.each([
    ['a=1\njust words', /line 2 is not key=value/],
    ['=value', /line 1 has an empty key/],
    ['a=1\na=2', /has the key 'a' twice/]
  ])('%j is refused', (text, message) => {
    expect(() => parseCustomData(text)).toThrow(message)
  })
})

describe('custom-data as a JSON object', () => {
  test('keeps the written order, integer-like keys included', () => {
    // JSON.parse alone would put "2024" first.
    expect(parseCustomData('{"b": "x", "2024": "year", "a": "y=z"}')).toEqual([
      { key: 'b', value: 'x' },
      { key: '2024', value: 'year' },
      { key: 'a', value: 'y=z' }
    ])
  })

  test('numbers and booleans become strings; escapes are decoded', () => {
    expect(parseCustomData('{"n": 3, "ok": true, "q": "say \\"hi\\", \\u00e9"}')).toEqual([
      { key: 'n', value: '3' },
      { key: 'ok', value: 'true' },
      { key: 'q', value: 'say "hi", é' }
    ])
  })

  test('an empty object is no custom data', () => {
    expect(parseCustomData('{ }')).toEqual([])
  })

  test.each([
    ['{"a": ', /is not valid JSON/],
    ['{"a": {"b": "c"}}', /value of 'a' must be a string, got object/],
    ['{"a": null}', /value of 'a' must be a string, got null/],
    ['{"a": "1", "a": "2"}', /has the key 'a' twice/],
    ['{"": "x"}', /empty key/]
  ])('%j is refused', (text, message) => {
    expect(() => parseCustomData(text)).toThrow(message)
  })
})

test('JSON numbers and booleans are kept exactly as written', () => {
  expect(parseCustomData('{"big": 12345678901234567890, "v": 1.10, "e": 1e3, "neg": -0.50, "ok": false}')).toEqual([
    { key: 'big', value: '12345678901234567890' },
    { key: 'v', value: '1.10' },
    { key: 'e', value: '1e3' },
    { key: 'neg', value: '-0.50' },
    { key: 'ok', value: 'false' }
  ])
})
