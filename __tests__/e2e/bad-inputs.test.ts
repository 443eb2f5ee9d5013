/**
 * Bad inputs fail the step before any request, naming the input and what is wrong.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { digestInputs, SERVICE_ACCOUNT } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { badValues } from '../support/bad-inputs.js'
import { failureOf, useEmulator } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('bad inputs fail before any request, naming the input', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['no credentials', { 'public-key': '', 'private-key': '' }, 'No Atlas credentials'],
    ['half a key', { 'private-key': '' }, "Input 'private-key' is required with 'public-key'"],
    [
      'both kinds of credentials',
      { 'client-id': SERVICE_ACCOUNT.clientId, 'client-secret': SERVICE_ACCOUNT.clientSecret },
      "Inputs 'public-key'/'private-key' and 'client-id'/'client-secret' are both set"
    ],
    [
      'project id',
      { 'project-id': 'prod-project' },
      "Input 'project-id' must be 24 hexadecimal digits (0-9, a-f); got 'prod-project'"
    ],
    [
      'cluster name',
      { 'cluster-name': 'prod cluster' },
      "Input 'cluster-name' must be a cluster name as Atlas allows it"
    ],
    ['missing cluster name', { 'cluster-name': '' }, "Input 'cluster-name' is required"],
    [
      'snapshot id',
      { 'snapshot-id': 'yesterday' },
      "Input 'snapshot-id' must be 24 hexadecimal digits (0-9, a-f) or 'latest' or 'new'; got 'yesterday'"
    ],
    ['bucket id', { 'export-bucket-id': 'my-bucket' }, "Input 'export-bucket-id' must be 24 hexadecimal digits"],
    ['custom data', { 'custom-data': '{"a": [1]}' }, "Input 'custom-data' value of 'a' must be a string, got object"],
    ['wait', { wait: 'yes please' }, "Input 'wait' must be true or false; got 'yes please'"],
    [
      'wait-timeout',
      { 'wait-timeout': '1x' },
      "Input 'wait-timeout' must be a duration like 90s, 15m or 1h30m (or a number of seconds); got '1x'"
    ],
    ['poll-interval', { 'poll-interval': '500ms' }, "Input 'poll-interval' must be a duration like 90s, 15m or 1h30m"],
    ['base-url', { 'base-url': 'http://cloud.mongodb.com' }, "Input 'base-url' must use https"],
    ['envelope', { envelope: 'maybe' }, "Input 'envelope' must be true or false; got 'maybe'"]
  ]

  test.for(cases)('%s', async ([_name, overrides, message], ctx) => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, overrides))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain(message)
    expect(atlas.requests).toHaveLength(0)
    expect(run.outputs['error-code']).toBe('')
  })
})

describe('a sweep of generated bad inputs through the bundle: zero requests, the input named', () => {
  // A fixed seed: the same case for every input, every run.
  const cases = Object.entries(badValues).flatMap(([name, arbitrary], i) =>
    fc.sample(arbitrary, { numRuns: 1, seed: 4242 + i }).map(value => [name, value] as [string, string])
  )
  test.concurrent.for(cases)('%s = %j', async ([name, value], ctx) => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { [name]: value }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toContain(`Input '${name}'`)
    expect(atlas.requests).toHaveLength(0)
  })
})

describe.concurrent('cluster names as Atlas allows them', () => {
  test.for(['a_b', 'cluster-0123456789abcdefghij_with_underscores', `c${'x'.repeat(63)}`])(
    '%s is accepted (and asked of Atlas)',
    async (name, ctx) => {
      const atlas = await emulator({}, ctx)
      const run = await runAction(digestInputs(atlas.url, { 'cluster-name': name }))
      expect(failureOf(run).message).toMatch(/^Atlas API 404 CLUSTER_NOT_FOUND/)
      expect(run.stdout).not.toContain("Input 'cluster-name'")
    }
  )
})
