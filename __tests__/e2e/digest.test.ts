/**
 * API keys: HTTP Digest by the letter of RFC 7616, against a server that checks it strictly.
 */
import { describe, expect, test } from 'vitest'
import { digestInputs } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { failureOf, useEmulator } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('Digest by the letter of RFC 7616', () => {
  test('the tenth request on one nonce sends nc=0000000a (hex), which a strict server accepts', async ctx => {
    const steps = Array.from({ length: 10 }, () => ({ state: 'InProgress' }))
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, ...steps, { state: 'Successful' }] }, ctx)
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    const ncs = atlas
      .apiRequests()
      .filter(r => r.auth === 'digest')
      .map(r => /nc=([0-9a-f]{8})/.exec(String(r.headers.authorization))?.[1])
    expect(ncs.slice(8, 12)).toEqual(['00000009', '0000000a', '0000000b', '0000000c'])
    expect(atlas.digest.noncesIssued).toBe(1)
  })

  test('a challenge that spells the algorithm md5 is answered', async ctx => {
    const atlas = await emulator({ digestAlgorithmToken: 'md5' }, ctx)
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
  })

  test('a Basic challenge gets a clear error and no credentials', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      beforeAuth: true,
      times: 5,
      fault: { status: 401, body: '', headers: { 'WWW-Authenticate': 'Basic realm="intranet"' } }
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^The server asked for Basic authentication, not HTTP Digest/)
    expect(atlas.requests).toHaveLength(1)
    expect(atlas.requests.every(r => r.auth === 'none')).toBe(true)
  })
})

describe.concurrent('a nonce that rotates', () => {
  test('a Digest nonce that rotates during the wait is re-challenged, nc restarting at 1', async ctx => {
    const steps = Array.from({ length: 5 }, () => ({ state: 'InProgress' }))
    const atlas = await emulator(
      { nonceMaxUses: 2, exportTimeline: [{ state: 'Queued' }, ...steps, { state: 'Successful' }] },
      ctx
    )
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.digest.noncesIssued).toBeGreaterThanOrEqual(4)
    const accepted = atlas
      .apiRequests()
      .filter(r => r.status === 200)
      .map(r => /nc=(\d{8})/.exec(String(r.headers.authorization))?.[1])
    expect(accepted).toEqual([
      '00000001',
      '00000002',
      '00000001',
      '00000002',
      '00000001',
      '00000002',
      '00000001',
      '00000002',
      '00000001'
    ])
  })
})
