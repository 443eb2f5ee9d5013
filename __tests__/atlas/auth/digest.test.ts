import DigestClient from 'digest-fetch'
import { describe, expect, test, vi } from 'vitest'
import { DigestAuth, digestFetchInternals } from '../../../src/atlas/auth/digest.js'
import { createTransport } from '../../../src/atlas/transport.js'
import { findRecorded } from '../../support/recorded.js'
import { replay } from '../../support/replay-server.js'
import {
  API_KEY,
  CLUSTER,
  PROJECT_ID,
  SNAPSHOTS_PATH,
  getSnapshotsInit
} from '../../../scripts/atlas-emulator/scenario.js'
import { useEmulator } from '../../support/use-emulator.js'

const SNAPSHOTS = SNAPSHOTS_PATH
const init = getSnapshotsInit
const emulator = useEmulator()

function ncOf(header: unknown): number {
  return Number.parseInt(/nc=([0-9a-f]{8})/.exec(String(header))?.[1] ?? 'x', 16)
}

describe('DigestAuth against the emulator', () => {
  test('one challenge for the first call, none after: the nonce is reused with nc counting up', async () => {
    const atlas = await emulator()
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    for (let i = 0; i < 3; i++) expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    expect(atlas.requests.map(r => [r.auth, r.status])).toEqual([
      ['none', 401],
      ['digest', 200],
      ['digest', 200],
      ['digest', 200]
    ])
    expect(atlas.requests.slice(1).map(r => ncOf(r.headers.authorization))).toEqual([1, 2, 3])
    expect(atlas.digest.noncesIssued).toBe(1)
  })

  test('SHA-256 when the challenge says so (Atlas for Government)', async () => {
    const atlas = await emulator({ digestAlgorithm: 'SHA-256' })
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    expect(String(atlas.requests[1]?.headers.authorization)).toMatch(/algorithm=SHA-256/)
    expect(String(atlas.requests[1]?.headers.authorization)).toMatch(/response="[0-9a-f]{64}"/)
  })

  test('a nonce that expires is re-challenged once, and nc restarts at 1 for the new nonce', async () => {
    const atlas = await emulator({ nonceMaxUses: 2 })
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    for (let i = 0; i < 5; i++) expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    const answered = atlas.requests.map(r => r.status)
    expect(answered).toEqual([401, 200, 200, 401, 200, 200, 401, 200])
    const stale = atlas.requests.filter(r => r.status === 200).map(r => ncOf(r.headers.authorization))
    expect(stale).toEqual([1, 2, 1, 2, 1])
  })

  test('stock digest-fetch ignores the algorithm of the challenge: Atlas for Government (SHA-256) refuses it (why the subclass exists)', async () => {
    const atlas = await emulator({ digestAlgorithm: 'SHA-256' })
    const stock = new DigestClient(API_KEY.publicKey, API_KEY.privateKey)
    expect((await stock.fetch(`${atlas.url}${SNAPSHOTS}`, init())).status).toBe(401)
    const ours = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    expect((await ours.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
  })

  test('stock digest-fetch counts nc on across nonces and in decimal; ours restarts at 1 per nonce (RFC 7616), in hex', async () => {
    const atlas = await emulator({ nonceMaxUses: 2 })
    const ours = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    for (let i = 0; i < 3; i++) expect((await ours.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    const accepted = atlas.requests.filter(r => r.status === 200).map(r => ncOf(r.headers.authorization))
    expect(accepted).toEqual([1, 2, 1])
  })

  test('a request lost after Atlas counted its nc: the next one counts on, with no new challenge', async () => {
    const atlas = await emulator()
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    atlas.inject({ path: /snapshots$/, afterProcessing: true, fault: { reset: true } })
    await expect(auth.send(`${atlas.url}${SNAPSHOTS}`, init)).rejects.toThrow()
    expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    expect(atlas.requests.map(r => r.status)).toEqual([401, 200, -2, 200])
    expect(atlas.digest.noncesIssued).toBe(1)
  })

  test('wrong keys: one challenge, one rejected answer, no loop', async () => {
    const atlas = await emulator()
    const auth = new DigestAuth(API_KEY.publicKey, 'wrong-private-key', createTransport({ timeoutMs: 30_000, env: {} }))
    const response = await auth.send(`${atlas.url}${SNAPSHOTS}`, init)
    expect(response.status).toBe(401)
    expect(atlas.requests.map(r => r.auth)).toEqual(['none', 'digest'])
  })

  test('calls made at once are sent one after another (they share nc)', async () => {
    const atlas = await emulator()
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    const responses = await Promise.all(Array.from({ length: 6 }, () => auth.send(`${atlas.url}${SNAPSHOTS}`, init)))
    expect(responses.map(r => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(atlas.requests.filter(r => r.status === 401)).toHaveLength(1)
  })

  test('POST bodies are sent again with the authenticated request, and the uri covers the query', async () => {
    const atlas = await emulator()
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    const url = `${atlas.url}/api/atlas/v2/groups/${PROJECT_ID}/clusters/${CLUSTER}/backup/exports?envelope=true`
    const body = JSON.stringify({ snapshotId: '6a7944f22c88faeba59d3572', exportBucketId: '6a793f752c88faeba59bba56' })
    const response = await auth.send(url, () => ({
      method: 'POST',
      headers: {
        Accept: 'application/vnd.atlas.2023-01-01+json',
        'Content-Type': 'application/vnd.atlas.2023-01-01+json'
      },
      body
    }))
    expect(response.status).toBe(200)
    expect(atlas.requests.map(r => r.body)).toEqual([body, body])
    expect(String(atlas.requests[1]?.headers.authorization)).toContain(
      `uri="/api/atlas/v2/groups/${PROJECT_ID}/clusters/${CLUSTER}/backup/exports?envelope=true"`
    )
  })
})

test("Atlas's recorded challenge header is understood: the resend answers it with MD5, qop=auth and nc=00000001", async () => {
  const challenge = findRecorded('Auth', 'digest-challenge')
  const server = await replay([challenge, findRecorded('TestSnapshots', 'List__GET')])
  try {
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    const response = await auth.send(`${server.url}${SNAPSHOTS}`, init)
    expect(response.status).toBe(200)
    const sent = String(server.requests[1]?.headers.authorization)
    expect(sent).toMatch(
      /^Digest username="abcdefgh",realm="MMS Public API",nonce="SlgYP7Tv3FS\/BuCj\/x4WQRIV1bNKdpJg",uri="\/api\/atlas/
    )
    expect(sent).toMatch(/qop=auth,algorithm=MD5,response="[0-9a-f]{32}",nc=00000001,cnonce="[0-9a-f]{16}"$/)
  } finally {
    await server.close()
  }
})

describe('RFC 7616 to the letter', () => {
  test('nc is eight hex digits: the tenth request on a nonce sends 0000000a', async () => {
    const atlas = await emulator()
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    for (let i = 0; i < 12; i++) expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    const ncs = atlas.requests.slice(1).map(r => /nc=([0-9a-f]{8})/.exec(String(r.headers.authorization))?.[1])
    expect(ncs.slice(8)).toEqual(['00000009', '0000000a', '0000000b', '0000000c'])
  })

  test('the cnonce comes from crypto, not Math.random', async () => {
    const atlas = await emulator({ nonceMaxUses: 1 })
    const random = vi.spyOn(Math, 'random').mockReturnValue(0)
    try {
      const auth = new DigestAuth(
        API_KEY.publicKey,
        API_KEY.privateKey,
        createTransport({ timeoutMs: 30_000, env: {} })
      )
      for (let i = 0; i < 3; i++) expect((await auth.send(`${atlas.url}${SNAPSHOTS}`, init)).status).toBe(200)
    } finally {
      random.mockRestore()
    }
    const cnonces = atlas.requests
      .filter(r => r.auth === 'digest' && r.status === 200)
      .map(r => /cnonce="([^"]+)"/.exec(String(r.headers.authorization))?.[1])
    expect(new Set(cnonces).size).toBe(cnonces.length)
    for (const cnonce of cnonces) expect(cnonce).toMatch(/^[0-9a-f]{16}$/)
  })

  test('a Basic challenge is refused without sending any credential', async () => {
    const atlas = await emulator()
    atlas.inject({
      beforeAuth: true,
      fault: { status: 401, body: '', headers: { 'WWW-Authenticate': 'Basic realm="x"' } }
    })
    const auth = new DigestAuth(API_KEY.publicKey, API_KEY.privateKey, createTransport({ timeoutMs: 30_000, env: {} }))
    await expect(auth.send(`${atlas.url}${SNAPSHOTS}`, init)).rejects.toThrow(
      /asked for Basic authentication, not HTTP Digest/
    )
    expect(atlas.requests.map(r => r.auth)).toEqual(['none'])
  })
})

describe("digest-fetch's internals, the one place they are used", () => {
  test('its per-nonce state and hash functions are where digestFetchInternals looks', () => {
    const client = new DigestClient('user', 'pass', { algorithm: 'MD5' })
    client.parseAuth('Digest realm="r", nonce="abc", qop="auth", algorithm=MD5')
    const state = digestFetchInternals.state(client)
    expect(state).toMatchObject({ nonce: 'abc', algorithm: 'MD5' })
    expect(typeof state.nc).toBe('number')
    const md5 = client.hashFunc('x')
    digestFetchInternals.useAlgorithm(client, 'SHA-256')
    expect(digestFetchInternals.state(client).algorithm).toBe('SHA-256')
    expect(client.hashFunc('x')).toHaveLength(64)
    expect(md5).toHaveLength(32)
  })
})
