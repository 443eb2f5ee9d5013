import { expect, test } from 'vitest'
import { fleetStates } from '../../src/flow/exports.js'

test('the fleet line: how many clusters stand where, most first, failures counted apart', () => {
  const job = (state: string) => ({ id: 'j', exportBucketId: 'b', state })
  expect(
    fleetStates({
      exports: [
        { cluster: 'a', job: job('Successful') },
        { cluster: 'b', job: job('InProgress') },
        { cluster: 'c', job: job('Successful') },
        { cluster: 'd', job: job('Failed'), failure: { kind: 'export-failed', message: 'm' } },
        { cluster: 'e' }
      ]
    })
  ).toBe('2 Successful, 1 InProgress, 1 failed, 1 starting')
})
