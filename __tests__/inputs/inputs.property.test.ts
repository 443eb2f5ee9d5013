/**
 * Property-based sweep of bad inputs: whatever is wrong with an input, the run is
 * refused before any request with a message that names that input.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { InputError, parseInputs } from '../../src/inputs/inputs.js'
import { badValues } from '../support/bad-inputs.js'

const VALID: Record<string, string> = {
  'client-id': 'mdb_sa_id_6a7945592c88faeba59d5e8e',
  'client-secret': 'mdb_sa_sk_secret',
  'project-id': 'b0123456789abcdef012345b',
  'cluster-name': 'prod-1',
  'snapshot-id': 'latest',
  'export-bucket-id': '6a793f752c88faeba59bba56',
  wait: 'true',
  'wait-timeout': '1h',
  'poll-interval': '30s',
  'request-timeout': '30s',
  'base-url': 'https://cloud.mongodb.com',
  envelope: 'false'
}

function refusal(overrides: Record<string, string>): string | undefined {
  const values = { ...VALID, ...overrides }
  try {
    parseInputs(name => values[name] ?? '')
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
}

describe('any bad value of an input is refused, naming the input', () => {
  for (const [name, arbitrary] of Object.entries(badValues)) {
    test(name, () => {
      fc.assert(
        fc.property(arbitrary, value => {
          const message = refusal({ [name]: value })
          expect(message).toBeDefined()
          expect(message).toContain(`Input '${name}'`)
        }),
        { numRuns: 200 }
      )
    })
  }

  test('several bad inputs at once: each is named', () => {
    const names = Object.keys(badValues)
    fc.assert(
      fc.property(
        fc
          .subarray(names, { minLength: 2 })
          .chain(picked => fc.tuple(...picked.map(n => badValues[n]!.map(v => [n, v] as const)))),
        pairs => {
          const message = refusal(Object.fromEntries(pairs)) ?? ''
          for (const [name] of pairs) expect(message).toContain(`Input '${name}'`)
        }
      ),
      { numRuns: 100 }
    )
  })

  test('valid values never are', () => {
    const hex24 = fc.stringMatching(/^[a-f0-9]{24}$/)
    fc.assert(
      fc.property(
        hex24,
        hex24,
        // Atlas's own rule, in parts: a letter or digit, up to 21 more with hyphens (none last), up to 42 word characters.
        fc
          .tuple(
            fc.stringMatching(/^[a-zA-Z0-9]$/),
            fc.stringMatching(/^([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?$/),
            fc.stringMatching(/^\w{0,42}$/)
          )
          .map(parts => parts.join('')),
        fc.constantFrom('latest', 'LATEST'),
        fc.integer({ min: 1, max: 3600 }),
        (project, bucket, cluster, snapshot, seconds) => {
          expect(
            refusal({
              'project-id': project,
              'export-bucket-id': bucket,
              'cluster-name': cluster,
              'snapshot-id': snapshot,
              'poll-interval': `${seconds}s`
            })
          ).toBeUndefined()
        }
      ),
      { numRuns: 200 }
    )
  })
})
