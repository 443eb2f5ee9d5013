/**
 * Self-hosted runners behind a proxy. The emulator serves HTTPS under a name that only
 * the test proxy can resolve (`atlas.emulator.test`): a run that reaches it went through
 * the proxy, and a run that does not use the proxy cannot even find it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { AtlasEmulator } from '../../scripts/atlas-emulator/emulator.js'
import { startProxy, type TestProxy } from '../support/connect-proxy.js'
import { ROOT, runAction } from '../../scripts/run-action.js'
import { digestInputs, serviceAccountInputs, standardOptions } from '../../scripts/atlas-emulator/scenario.js'
import { failureOf, useEmulator } from './helpers.js'

const TLS = join(ROOT, '__tests__', 'fixtures', 'tls')
const HOST = 'atlas.emulator.test'
const trust = { NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem') }
const plainEmulator = useEmulator()

let emulator: AtlasEmulator | undefined
let proxy: TestProxy | undefined
afterEach(async () => {
  await emulator?.close()
  await proxy?.close()
  emulator = proxy = undefined
})

async function setup(proxyOptions: Parameters<typeof startProxy>[0] = {}): Promise<{ atlas: AtlasEmulator; proxy: TestProxy }> {
  emulator = await new AtlasEmulator(standardOptions({ exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] })).start(0, {
    key: readFileSync(join(TLS, 'key.pem'), 'utf8'),
    cert: readFileSync(join(TLS, 'cert.pem'), 'utf8'),
    hostname: HOST
  })
  proxy = await startProxy({ hosts: { [HOST]: '127.0.0.1' }, ...proxyOptions })
  return { atlas: emulator, proxy }
}

describe('HTTPS_PROXY', () => {
  test('every call, Digest challenge included, goes through the proxy tunnel', async () => {
    const { atlas, proxy } = await setup()
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), { env: { ...trust, HTTPS_PROXY: proxy.url } })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.state).toBe('Successful')
    const port = new URL(atlas.url).port
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(new Set(proxy.seen)).toEqual(new Set([`${HOST}:${port}`]))
    expect(atlas.requests.map(r => `${r.method} ${r.status}`)).toEqual(['GET 401', 'GET 200', 'GET 200', 'POST 200', 'GET 200'])
  })

  test('lower-case https_proxy, and the service-account token and revoke calls too', async () => {
    const { atlas, proxy } = await setup()
    const run = await runAction(serviceAccountInputs(atlas.url), { env: { ...trust, https_proxy: proxy.url } })
    expect(run.exitCode).toBe(0)
    expect(atlas.requests.map(r => r.path.replace(/\/api\/atlas\/.*/, 'api'))).toEqual(['/api/oauth/token', 'api', 'api', 'api', '/api/oauth/revoke'])
    expect(proxy.seen.length).toBeGreaterThan(0)
  })

  test('without the proxy the name does not resolve: the control that makes the tests above proof', async () => {
    const { atlas, proxy } = await setup()
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '3s' }), { env: trust })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(
      new RegExp(
        `^Could not reach Atlas \\(GET https://${HOST.replace(/\./g, '\\.')}:\\d+/.*\\): getaddrinfo (ENOTFOUND|EAI_AGAIN) ${HOST.replace(/\./g, '\\.')}`
      )
    )
    expect(proxy.seen).toEqual([])
    expect(atlas.requests).toEqual([])
  })

  test('NO_PROXY naming the host: the proxy is bypassed (and the name, known only to it, fails to resolve)', async () => {
    const { atlas, proxy } = await setup()
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '3s' }), {
      env: { ...trust, HTTPS_PROXY: proxy.url, NO_PROXY: `example.org,.emulator.test` }
    })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/getaddrinfo (ENOTFOUND|EAI_AGAIN) atlas\.emulator\.test/)
    expect(proxy.seen).toEqual([])
  })

  test('a proxy that refuses the tunnel: a clear error with its answer, not a timeout', async () => {
    const { atlas, proxy } = await setup({ refuseWith: 403 })
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '3s' }), { env: { ...trust, HTTPS_PROXY: proxy.url } })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(
      /^Could not reach Atlas \(GET https:\/\/atlas\.emulator\.test:\d+\/.* through the proxy http:\/\/127\.0\.0\.1:\d+\): the proxy refused the connection \(Proxy response \(403\) !== 200 when HTTP Tunneling\); check HTTPS_PROXY and NO_PROXY$/
    )
    expect(run.stdout).not.toMatch(/ retry \d+ of /)
    expect(proxy.seen).toHaveLength(1)
    expect(atlas.requests).toEqual([])
  })
})

test('a loopback base-url is never sent to the proxy, even with HTTP(S)_PROXY set to a dead one', async () => {
  const atlas = await plainEmulator()
  const run = await runAction(digestInputs(atlas.url), { env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' } })
  expect(run.exitCode).toBe(0)
  expect(atlas.jobs).toHaveLength(1)
})
