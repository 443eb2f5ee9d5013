/**
 * The network between the runner and Atlas: proxies (HTTPS_PROXY, NO_PROXY, a real squid),
 * TLS, DNS, and connection failures told for what they are.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { AtlasEmulator } from '../../scripts/atlas-emulator/emulator.js'
import { digestInputs, serviceAccountInputs } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { startProxy, type TestProxy } from '../support/connect-proxy.js'
import { squidInstalled, startSquid } from '../support/squid.js'
import { HOST, TLS, behindProxy, failureOf, tlsEmulator, useEmulator, visibleLog } from './helpers.js'

const trust = { NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem') }
const plainEmulator = useEmulator()
let tlsAtlas: AtlasEmulator | undefined
let proxy: TestProxy | undefined
afterEach(async () => {
  await tlsAtlas?.close()
  await proxy?.close()
  tlsAtlas = proxy = undefined
})
async function setup(
  proxyOptions: Parameters<typeof startProxy>[0] = {}
): Promise<{ atlas: AtlasEmulator; proxy: TestProxy }> {
  tlsAtlas = await tlsEmulator({ exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] })
  proxy = await startProxy({ hosts: { [HOST]: '127.0.0.1' }, ...proxyOptions })
  return { atlas: tlsAtlas, proxy }
}

describe('HTTPS_PROXY', () => {
  test('every call, Digest challenge included, goes through the proxy tunnel', async () => {
    const { atlas, proxy } = await setup()
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), {
      env: { ...trust, HTTPS_PROXY: proxy.url }
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.state).toBe('Successful')
    const port = new URL(atlas.url).port
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(new Set(proxy.seen)).toEqual(new Set([`${HOST}:${port}`]))
    expect(atlas.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'GET 401',
      'GET 200',
      'GET 200',
      'POST 200',
      'GET 200'
    ])
  })

  test('lower-case https_proxy, and the service-account token and revoke calls too', async () => {
    const { atlas, proxy } = await setup()
    const run = await runAction(serviceAccountInputs(atlas.url), { env: { ...trust, https_proxy: proxy.url } })
    expect(run.exitCode).toBe(0)
    expect(atlas.requests.map(r => r.path.replace(/\/api\/atlas\/.*/, 'api'))).toEqual([
      '/api/oauth/token',
      'api',
      'api',
      'api',
      '/api/oauth/revoke'
    ])
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
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '3s' }), {
      env: { ...trust, HTTPS_PROXY: proxy.url }
    })
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
  const run = await runAction(digestInputs(atlas.url), {
    env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' }
  })
  expect(run.exitCode).toBe(0)
  expect(atlas.jobs).toHaveLength(1)
})

describe.concurrent('connection failures say what they are; only passing ones are retried', () => {
  test('an untrusted TLS certificate: final at once, named, with how to trust a CA', async ctx => {
    const atlas = await tlsEmulator()
    ctx.onTestFinished(() => atlas.close())
    const url = atlas.url.replace(HOST, '127.0.0.1')
    const run = await runAction(digestInputs(url), { env: { NODE_EXTRA_CA_CERTS: '' } })
    expect(run.exitCode).toBe(1)
    const { message } = failureOf(run)
    expect(message).toMatch(
      /the TLS certificate is not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID|SELF_SIGNED_CERT_IN_CHAIN)/
    )
    expect(message).toContain('NODE_EXTRA_CA_CERTS')
    expect(run.stdout).not.toMatch(/retry \d+ of/)
  })

  test('an unknown host is not retried', async () => {
    const run = await runAction(digestInputs('https://no-such-host.emulator.test'))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/ENOTFOUND no-such-host\.emulator\.test: no such host \(check base-url\)/)
    expect(run.stdout).not.toMatch(/retry \d+ of/)
  })

  test('through a proxy, a connection error says so; the proxy is named without its credentials', async ctx => {
    const { atlas, proxy } = await behindProxy(ctx)
    const proxyUrl = proxy.url.replace('http://', 'http://user:hunter2@')
    const run = await runAction(digestInputs(atlas.url), { env: { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: '' } })
    expect(run.exitCode).toBe(1)
    const { message } = failureOf(run)
    expect(message).toContain(`through the proxy ${proxy.url}`)
    expect(message).toContain('the TLS certificate is not trusted')
    expect(visibleLog(run)).not.toContain('hunter2')
  })
})

describe.concurrent('proxies as users write them', () => {
  test('HTTPS_PROXY without a scheme (localhost:port) is used as http://, with one tunnel for the whole run', async ctx => {
    const { atlas, proxy } = await behindProxy(ctx)
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), {
      env: {
        HTTPS_PROXY: proxy.url.replace('http://127.0.0.1', 'localhost'),
        NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem')
      }
    })
    expect(run.exitCode).toBe(0)
    expect(atlas.requests.length).toBeGreaterThanOrEqual(4)
    expect(proxy.seen).toEqual([`${HOST}:${new URL(atlas.url).port}`])
  })

  test.skipIf(!squidInstalled && !process.env.REQUIRE_SQUID)(
    'a real squid asking for Basic credentials: with user:password in HTTPS_PROXY the run goes through; without, a clear 407',
    async ctx => {
      const atlas = await tlsEmulator()
      const squid = await startSquid({ hosts: { [HOST]: '127.0.0.1' }, user: 'runner', password: 'pa ss' })
      ctx.onTestFinished(async () => {
        await atlas.close()
        await squid.close()
      })
      const trust = { NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem') }
      const ok = await runAction(serviceAccountInputs(atlas.url), {
        env: { ...trust, HTTPS_PROXY: `http://runner:pa%20ss@127.0.0.1:${squid.port}` }
      })
      expect(ok.exitCode).toBe(0)
      expect(atlas.jobs).toHaveLength(1)
      expect(visibleLog(ok)).not.toContain('pa%20ss')
      const refused = await runAction(serviceAccountInputs(atlas.url), {
        env: { ...trust, HTTPS_PROXY: `127.0.0.1:${squid.port}` }
      })
      expect(refused.exitCode).toBe(1)
      expect(failureOf(refused).message).toMatch(
        /the proxy refused the connection \(.*407.*\) \(it wants credentials: put user:password in the proxy URL; only Basic proxy authentication works\)/
      )
      expect(refused.stdout).not.toMatch(/retry \d+ of/)
    }
  )
})

describe.concurrent('Atlas out of reach', () => {
  test('Atlas not reachable: where and why, no stack trace', async () => {
    // Port 2: nothing listens there, and fetch allows it (not port 1). A closed emulator's
    // port was now and then taken by a test beside it, and the run went green against that.
    const run = await runAction(digestInputs('http://127.0.0.1:2', { 'wait-timeout': '2s' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(
      /^Could not reach Atlas \(GET http:\/\/127\.0\.0\.1:2\/api\/atlas\/v2\/.+\/exportBuckets\/[0-9a-f]{24}\): connect ECONNREFUSED/
    )
    expect(visibleLog(run)).not.toMatch(/\n\s+at /)
  })
})
