import { describe, expect, test } from 'vitest'
import { AtlasError } from '../../../src/atlas/errors.js'
import { realClock } from '../../../src/runner/clock.js'
import { ServiceAccountAuth, type ServiceAccountOptions } from '../../../src/atlas/auth/service-account.js'
import { createTransport } from '../../../src/atlas/transport.js'
import type { EmulatorOptions } from '../../../scripts/atlas-emulator/emulator.js'
import { SERVICE_ACCOUNT, SNAPSHOTS_PATH, getSnapshotsInit } from '../../../scripts/atlas-emulator/scenario.js'
import { useEmulator } from '../../support/use-emulator.js'

const SNAPSHOTS = SNAPSHOTS_PATH
const init = getSnapshotsInit
const emulator = useEmulator()

async function setup(extra: EmulatorOptions = {}, options: Partial<ServiceAccountOptions> = {}) {
  const emu = await emulator(extra)
  const masked: string[] = []
  const warnings: string[] = []
  const auth = new ServiceAccountAuth({
    baseUrl: emu.url,
    clientId: SERVICE_ACCOUNT.clientId,
    clientSecret: SERVICE_ACCOUNT.clientSecret,
    transport: createTransport({ timeoutMs: 30_000, env: {} }),
    clock: realClock,
    mask: secret => masked.push(secret),
    log: {
      debug: () => undefined,
      info: () => undefined,
      warning: message => void warnings.push(message),
      group: (_t, body) => body()
    },
    ...options
  })
  return { atlas: emu, auth, masked, warnings }
}

describe('ServiceAccountAuth', () => {
  test('one token for the run, asked for as Atlas documents, masked on arrival, revoked at close', async () => {
    const { atlas, auth, masked } = await setup()
    for (let i = 0; i < 3; i++) expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    const [tokenRequest, ...calls] = atlas.requests
    expect(tokenRequest?.path).toBe('/api/oauth/token')
    expect(tokenRequest?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${SERVICE_ACCOUNT.clientId}:${SERVICE_ACCOUNT.clientSecret}`).toString('base64')}`
    )
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(tokenRequest?.body).toBe('grant_type=client_credentials')
    expect(calls.map(c => c.auth)).toEqual(['bearer', 'bearer', 'bearer'])
    const token = [...atlas.tokens.keys()][0] as string
    expect(masked).toContain(token)
    expect(calls.every(c => c.headers.authorization === `Bearer ${token}`)).toBe(true)

    await auth.close()
    expect(atlas.tokensIssued).toBe(1)
    expect(atlas.tokensRevoked).toBe(1)
    expect(atlas.requests.at(-1)?.body).toBe(`token=${encodeURIComponent(token)}&token_type_hint=access_token`)
  })

  test('the Basic credentials are base64 of the raw id:secret, not URL-encoded first', async () => {
    const { atlas, auth } = await setup(
      { serviceAccounts: { 'id+with/odd=chars': 'sec+ret/=' } },
      { clientId: 'id+with/odd=chars', clientSecret: 'sec+ret/=' }
    )
    expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    expect(atlas.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('id+with/odd=chars:sec+ret/=').toString('base64')}`
    )
  })

  test('wrong credentials fail with the OAuth error, as an AtlasError with the service-account hint', async () => {
    const { atlas, auth } = await setup({}, { clientSecret: 'wrong' })
    const error = await auth.send(`${atlas.url}${SNAPSHOTS}`, init).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AtlasError)
    expect((error as AtlasError).message).toBe('Atlas API 401 invalid_client: Invalid credentials provided.')
    expect((error as AtlasError).hint).toMatch(/service account \('client-id' and 'client-secret'\)/)
    expect(atlas.apiRequests()).toHaveLength(0)
  })

  test('a token near its expiry is renewed before use, and the old one revoked: one token at a time', async () => {
    let now = 1_000_000
    const { atlas, auth } = await setup({}, { clock: { now: () => now } })
    await auth.send(`${atlas.url}${SNAPSHOTS}`, init)
    now += 51 * 60_000 // within 10 minutes of the hour's expiry
    expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    expect(atlas.tokensIssued).toBe(2)
    expect(atlas.tokensRevoked).toBe(1)
    expect(atlas.tokens.size).toBe(1)
  })

  test('a failed revoke is a warning, never a failure', async () => {
    const { atlas, auth, warnings } = await setup()
    await auth.send(`${atlas.url}${SNAPSHOTS}`, init)
    atlas.inject({ path: /^\/api\/oauth\/revoke$/, beforeAuth: true, fault: { status: 500, body: '{}' } })
    await expect(auth.close()).resolves.toBeUndefined()
    expect(warnings).toEqual(['Could not revoke the service-account token: Atlas answered 500; it expires by itself.'])
  })

  test('close without a token sends nothing', async () => {
    const { atlas, auth } = await setup()
    await auth.close()
    expect(atlas.requests).toHaveLength(0)
  })
})
