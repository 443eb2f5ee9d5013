/**
 * Classes of trouble, each through the bundle: answers that cannot be read, creates
 * that back off, Retry-After read strictly, connection failures told apart, proxies as
 * users write them, a cancel that stops, sharded lookups, text from the server kept
 * data, nothing escaping run(), and Digest by the letter of RFC 7616.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { startProxy } from '../support/connect-proxy.js'
import { AtlasEmulator, type AtlasEmulator as Emulator } from '../../scripts/atlas-emulator/emulator.js'
import { ROOT, runAction } from '../../scripts/run-action.js'
import { digestInputs, serviceAccountInputs, SHARDED_CLUSTER, standardOptions } from '../../scripts/atlas-emulator/scenario.js'
import { squidInstalled, startSquid } from '../support/squid.js'
import { failureOf, useEmulator, visibleLog } from './helpers.js'

const emulator = useEmulator()
const EXPORTS = /\/backup\/exports$/
const ONE_JOB = /\/backup\/exports\/[0-9a-f]{24}$/
const SNAPSHOTS = /\/backup\/snapshots$/
const TLS = join(ROOT, '__tests__', 'fixtures', 'tls')
const HOST = 'atlas.emulator.test'
const html = { status: 200, body: '<html><body>Logged out of the corporate portal</body></html>', headers: { 'Content-Type': 'text/html' } }
const apiError = (status: number, errorCode: string, detail = `${errorCode} injected`) => ({
  status,
  body: JSON.stringify({ detail, error: status, errorCode, parameters: [], reason: '' }),
  headers: { 'X-Error-Code': errorCode }
})
const posts = (atlas: Emulator, path = EXPORTS) => atlas.apiRequests({ method: 'POST', path }).filter(r => r.auth !== 'none')

async function tlsEmulator(extra = {}): Promise<AtlasEmulator> {
  return new AtlasEmulator(standardOptions({ exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'Successful' }], ...extra })).start(0, {
    key: readFileSync(join(TLS, 'key.pem'), 'utf8'),
    cert: readFileSync(join(TLS, 'cert.pem'), 'utf8'),
    hostname: HOST
  })
}

/** The TLS emulator under a name only the test proxy resolves, both closed after the test. */
async function behindProxy(ctx: { onTestFinished: (fn: () => Promise<void>) => void }) {
  const atlas = await tlsEmulator()
  const proxy = await startProxy({ hosts: { [HOST]: '127.0.0.1' } })
  ctx.onTestFinished(async () => {
    await atlas.close()
    await proxy.close()
  })
  return { atlas, proxy }
}

describe.concurrent('an answer that cannot be read is trouble that passes', () => {
  test('a poll answered 200 with an HTML page, and one with the wrong shape: the wait goes on to Successful', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'InProgress' }, { state: 'Successful' }] }, ctx)
    atlas.inject({ method: 'GET', path: ONE_JOB, fault: html })
    atlas.inject({ method: 'GET', path: ONE_JOB, after: 1, fault: { status: 200, body: '{"ok":true}' } })
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs.state).toBe('Successful')
    expect(run.stdout).toMatch(
      /Atlas answered 200 with something unreadable \(not JSON \(text\/html\): Logged out of the corporate portal\) to GET …\/backup\/exports\/[0-9a-f]{24}; retry 1 of 5/
    )
    expect(run.stdout).toMatch(/Atlas answered 200 with something unreadable \(not an export job: \{"ok":true\}\) to GET/)
  })

  test('a snapshot list page of the wrong shape is read again, not taken for an empty cluster', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'GET', path: SNAPSHOTS, fault: { status: 200, body: '{"links":[]}' } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.stdout).toMatch(/not a page of snapshots: \{"links":\[\]\}\) to GET …\/backup\/snapshots; retry 1 of 5/)
  })

  test('a create that made the job but whose 200 was an HTML page: looked for, found, used; one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, afterProcessing: true, fault: html })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(posts(atlas)).toHaveLength(1)
    expect(run.stdout).toContain(`Found export job ${atlas.jobs[0]?.id} (Queued) created by that request: using it.`)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('a create answered 200 with the wrong shape before Atlas acted: nothing found, sent again; one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, fault: { status: 200, body: '{"status":"ok"}' } })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(posts(atlas)).toHaveLength(2)
    expect(run.stdout).toMatch(/Nothing was made: sending the create again; retry 1 of 5/)
  })
})

describe.concurrent('the create backs off like everything else', () => {
  test('500 four times before Atlas acted: each attempt looks first, waits longer, and the fifth makes the one job', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, times: 4, fault: apiError(500, 'UNEXPECTED_ERROR') })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(posts(atlas).map(r => r.status)).toEqual([500, 500, 500, 500, 200])
    const retries = run.stdout.split('\n').filter(line => line.startsWith('Nothing was made: sending the create again; retry'))
    expect(retries.map(line => /retry (\d) of 5/.exec(line)?.[1])).toEqual(['1', '2', '3', '4'])
    // Waited between attempts (the tests' backoff base is 50 ms: 25-50, 50-100, 100-200, 200-400 ms).
    const times = posts(atlas).map(r => r.at)
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number))
    expect(gaps.every(gap => gap >= 25)).toBe(true)
  })
})

describe.concurrent('Retry-After is read strictly', () => {
  test.for([['1.5'], ['-1'], ['soon']])('Retry-After %s is ignored: the normal backoff applies, never "at once"', async ([value], ctx) => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'POST',
      path: EXPORTS,
      times: 2,
      fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': value as string } }
    })
    // The real backoff (1 s base): half a second at least, then a second at least.
    const run = await runAction(digestInputs(atlas.url), { env: { ATLAS_EXPORT_BACKOFF_BASE_MS: '' } })
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    const times = posts(atlas).map(r => r.at)
    expect(times).toHaveLength(3)
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(450)
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(950)
  })

  test('Retry-After 0, or a date already past, never means "hammer now"', async ctx => {
    const atlas = await emulator({}, ctx)
    const past = new Date(Date.now() - 60_000).toUTCString()
    atlas.inject({ method: 'GET', path: SNAPSHOTS, fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': '0' } } })
    atlas.inject({ method: 'GET', path: SNAPSHOTS, fault: { ...apiError(429, 'RATE_LIMITED_TOKEN_BUCKET'), headers: { 'Retry-After': past } } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }), { env: { ATLAS_EXPORT_BACKOFF_BASE_MS: '' } })
    expect(run.exitCode).toBe(0)
    const times = atlas
      .apiRequests({ method: 'GET', path: SNAPSHOTS })
      .filter(r => r.auth !== 'none')
      .map(r => r.at)
    expect(times).toHaveLength(3)
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(450)
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(950)
  })
})

describe.concurrent('connection failures say what they are; only passing ones are retried', () => {
  test('an untrusted TLS certificate: final at once, named, with how to trust a CA', async ctx => {
    const atlas = await tlsEmulator()
    ctx.onTestFinished(() => atlas.close())
    const url = atlas.url.replace(HOST, '127.0.0.1')
    const run = await runAction(digestInputs(url), { env: { NODE_EXTRA_CA_CERTS: '' } })
    expect(run.exitCode).toBe(1)
    const { message } = failureOf(run)
    expect(message).toMatch(/the TLS certificate is not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID|SELF_SIGNED_CERT_IN_CHAIN)/)
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
      env: { HTTPS_PROXY: proxy.url.replace('http://127.0.0.1', 'localhost'), NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem') }
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
      const ok = await runAction(serviceAccountInputs(atlas.url), { env: { ...trust, HTTPS_PROXY: `http://runner:pa%20ss@127.0.0.1:${squid.port}` } })
      expect(ok.exitCode).toBe(0)
      expect(atlas.jobs).toHaveLength(1)
      expect(visibleLog(ok)).not.toContain('pa%20ss')
      const refused = await runAction(serviceAccountInputs(atlas.url), { env: { ...trust, HTTPS_PROXY: `127.0.0.1:${squid.port}` } })
      expect(refused.exitCode).toBe(1)
      expect(failureOf(refused).message).toMatch(
        /the proxy refused the connection \(.*407.*\) \(it wants credentials: put user:password in the proxy URL; only Basic proxy authentication works\)/
      )
      expect(refused.stdout).not.toMatch(/retry \d+ of/)
    }
  )
})

describe.concurrent('cancelled means cancelled', () => {
  test('SIGINT during a wait with a slow revoke: summary first, no poll and no new token after it, exit 130 well before 7.5 s', async ctx => {
    const atlas = await emulator(
      { tokenLifetimeSeconds: 3600, exportTimeline: [{ state: 'Queued' }, ...Array.from({ length: 30 }, () => ({ state: 'InProgress' }))] },
      ctx
    )
    atlas.inject({ path: /\/api\/oauth\/revoke$/, beforeAuth: true, times: 5, fault: { hang: true } })
    let cancelledAt = 0
    const run = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), {
      cancelWhen: { log: /Waiting for export job/, signal: 'SIGINT' },
      onCancel: () => (cancelledAt = Date.now())
    })
    expect(run.exitCode).toBe(130)
    expect(run.summary).toMatch(/The run was cancelled \(SIGINT\)\. Export job [0-9a-f]{24} \(\w+\) goes on in Atlas/)
    const after = atlas.requests.filter(r => r.at > cancelledAt + 100)
    expect(after.filter(r => r.path !== '/api/oauth/revoke')).toEqual([])
    expect(atlas.tokensIssued).toBe(1)
    expect(run.durationMs - (cancelledAt - run.startedAt)).toBeLessThan(4_500)
  })
})

describe.concurrent('snapshot-id: new, on a sharded cluster and after a long wait', () => {
  test('a lost answer to the snapshot request of a sharded cluster is found in the sharded list: one snapshot', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: SNAPSHOTS, afterProcessing: true, fault: apiError(500, 'UNEXPECTED_ERROR') })
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': SHARDED_CLUSTER, 'snapshot-id': 'new', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(0)
    const sharded = atlas.projects[0]?.clusters.find(c => c.name === SHARDED_CLUSTER)
    expect(sharded?.snapshots.filter(s => s.snapshotType === 'onDemand')).toHaveLength(1)
    expect(run.stdout).toMatch(/Found snapshot [0-9a-f]{24} \(queued\) taken by that request: using it\./)
  })

  test('a create that starts late in the run keeps its retries: a 503 with Retry-After 3 s, 1.5 s before the deadline, is retried', async ctx => {
    const atlas = await emulator({ snapshotTimeline: [{ status: 'inProgress' }, { status: 'inProgress' }, { status: 'completed' }] }, ctx)
    atlas.inject({ method: 'POST', path: EXPORTS, fault: { ...apiError(503, 'SERVICE_UNAVAILABLE'), headers: { 'Retry-After': '3' } } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'new', 'poll-interval': '1s', 'wait-timeout': '5s' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(run.stdout).toMatch(/Atlas answered 503 SERVICE_UNAVAILABLE to POST …\/backup\/exports; retry 1 of 5 in [34]\.\ds\./)
  })
})

describe.concurrent('text from the server is data', () => {
  // What the server's text would do if it reached a line start; the action's own
  // ::add-mask:: of the key and its one ::error:: annotation are not among these.
  const injected = /^::(add-mask::(leak|Successful|everything)|error title=Pwned|warning::y|stop-commands)/
  const errors = (stdout: string) => stdout.split('\n').filter(line => line.startsWith('::error'))
  test('an error code and detail with line breaks never start a workflow command', async ctx => {
    const atlas = await emulator({}, ctx)
    // (A header cannot carry a line break: the code comes in the body only.)
    const { headers: _none, ...fault } = apiError(404, 'CLUSTER_NOT_FOUND\n::add-mask::leak', 'No cluster.\r\n::error title=Pwned::owned\n::stop-commands::x')
    const { headers: _no, ...passing } = apiError(503, 'SERVICE_UNAVAILABLE\n::add-mask::leak')
    atlas.inject({ method: 'POST', path: EXPORTS, fault: passing })
    atlas.inject({ method: 'POST', path: EXPORTS, fault })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.stdout).toContain('Atlas answered 503 SERVICE_UNAVAILABLE\\n::add-mask::leak to POST')
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n').filter(line => injected.test(line))).toEqual([])
    expect(errors(run.stdout)).toHaveLength(1)
    expect(failureOf(run).message).toContain('No cluster.')
  })

  test('a job state and state reason with line breaks, logged while waiting, stay on their line', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          { state: 'InProgress\n::add-mask::Successful' },
          { state: 'Failed', stateReason: { errorCode: 'X\n::warning::y', message: 'bucket gone\n::add-mask::everything' } }
        ]
      },
      ctx
    )
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n').filter(line => injected.test(line))).toEqual([])
    expect(errors(run.stdout)).toHaveLength(1)
    expect(run.stdout).toContain('Queued → InProgress\\n::add-mask::Successful')
  })
})

describe.concurrent('nothing escapes run()', () => {
  test('an unwritable GITHUB_OUTPUT ends in one annotation naming it, no stack trace, no minified source', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url), { env: { GITHUB_OUTPUT: '/nonexistent/dir/output' } })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^Could not write the step output '\w[\w-]*' \(GITHUB_OUTPUT\): /)
    expect(visibleLog(run)).not.toMatch(/\n\s+at |node:internal|index\.js:\d+/)
    expect(run.stderr).toBe('')
  })

  test('JSON custom-data keeps numbers as written', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'custom-data': '{"big": 12345678901234567890, "version": 1.10, "ok": true}' }))
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs[0]?.customData).toEqual([
      { key: 'big', value: '12345678901234567890' },
      { key: 'version', value: '1.10' },
      { key: 'ok', value: 'true' }
    ])
  })
})

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
    atlas.inject({ beforeAuth: true, times: 5, fault: { status: 401, body: '', headers: { 'WWW-Authenticate': 'Basic realm="intranet"' } } })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^The server asked for Basic authentication, not HTTP Digest/)
    expect(atlas.requests).toHaveLength(1)
    expect(atlas.requests.every(r => r.auth === 'none')).toBe(true)
  })
})
