/** Arbitraries of bad values, one per input, for property tests and the bundle sweep. */
import fc from 'fast-check'
import { parseClusterEntries } from '../../src/inputs/cluster-entries.js'
import { parseCustomData } from '../../src/inputs/custom-data.js'
import { parseDuration } from '../../src/inputs/duration.js'

/** One bad value per input kind, from fast-check: the rule it breaks is the filter. */
export const badValues: Record<string, fc.Arbitrary<string>> = {
  'project-id': fc.string({ minLength: 1 }).filter(v => v.trim() !== '' && !/^[a-f0-9]{24}$/.test(v.trim())),
  'export-bucket-id': fc.string({ minLength: 1 }).filter(v => v.trim() !== '' && !/^[a-f0-9]{24}$/.test(v.trim())),
  'snapshot-id': fc
    .string({ minLength: 1 })
    .filter(
      v => v.trim() !== '' && !['latest', 'new'].includes(v.trim().toLowerCase()) && !/^[a-f0-9]{24}$/.test(v.trim())
    ),
  'cluster-name': fc.string({ minLength: 1 }).filter(v => v.trim() !== '' && refuses(parseClusterEntries, v)),
  'wait-timeout': fc.string({ minLength: 1 }).filter(v => v.trim() !== '' && badDuration(v, 1_000, 168 * 3_600_000)),
  'poll-interval': fc.string({ minLength: 1 }).filter(v => v.trim() !== '' && badDuration(v, 1_000, 3_600_000)),
  'base-url': fc.oneof(
    fc.webUrl().filter(u => u.startsWith('http://') && !/^http:\/\/(localhost|127\.|\[::1\])/.test(u)),
    fc.string({ minLength: 1 }).filter(v => v.trim() !== '' && !URL.canParse(v.trim()))
  ),
  'snapshot-retention-days': fc
    .string({ minLength: 1 })
    .filter(v => v.trim() !== '' && !(/^\d+$/.test(v.trim()) && Number(v.trim()) >= 1 && Number(v.trim()) <= 3650)),
  'dry-run': fc
    .string({ minLength: 1 })
    .filter(v => v.trim() !== '' && !/^(true|false|yes|no|on|off)$/i.test(v.trim())),
  // The rule is the parser's own: any string it refuses ('{}' is an empty object, fine).
  'custom-data': fc
    .oneof(
      fc
        .string({ minLength: 1 })
        .filter(v => !v.includes('=') && !v.includes('\n') && v.trim() !== '' && !v.trim().startsWith('#')),
      fc.constantFrom('{"a": [1]}', '{"a": null}', '{"a": ', '{"a":"1","a":"2"}', '[1, 2]')
    )
    .filter(refusedCustomData)
}

function refusedCustomData(value: string): boolean {
  try {
    parseCustomData(value)
    return false
  } catch {
    return true
  }
}

function badDuration(value: string, min: number, max: number): boolean {
  const ms = parseDuration(value.trim())
  return ms === undefined || ms < min || ms > max
}

/** The parser itself says the value is wrong. */
function refuses(parse: (text: string) => unknown, value: string): boolean {
  try {
    parse(value)
    return false
  } catch {
    return true
  }
}
