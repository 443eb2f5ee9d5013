/** The bundle end to end: each class of Atlas error, bad inputs, and secrets that never show. */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { badValues } from '../support/bad-inputs.js'
import { runAction } from '../../scripts/run-action.js'
import { API_KEY, LATEST_SNAPSHOT_ID, OTHER_BUCKET_ID, PROJECT_ID, SERVICE_ACCOUNT, digestInputs, serviceAccountInputs } from '../../scripts/atlas-emulator/scenario.js'
import { failureOf, useEmulator, visibleLog } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('Atlas errors fail the step with status, errorCode, detail and advice', () => {
  test('400: what Atlas said about the request', async ctx => {
    const atlas = await emulator({}, ctx)
    const body = JSON.stringify({
      detail: 'Invalid attribute customData specified.',
      error: 400,
      errorCode: 'INVALID_ATTRIBUTE',
      parameters: ['customData'],
      reason: 'Bad Request'
    })
    atlas.inject({ method: 'POST', path: /exports$/, fault: { status: 400, body, headers: { 'X-Error-Code': 'INVALID_ATTRIBUTE' } } })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toEqual({ title: 'Atlas export failed', message: 'Atlas API 400 INVALID_ATTRIBUTE: Invalid attribute customData specified.' })
    expect(run.outputs['error-code']).toBe('INVALID_ATTRIBUTE')
    expect(run.outputs['export-job-id']).toBeUndefined()
  })

  test('401 after credentials were sent: wrong key, one challenge, no loop', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'private-key': 'b5b0f0a0-0000-4000-8000-000000000000' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      "Atlas API 401 UNEXPECTED_ERROR: You are not authorized for this resource.\nAtlas rejected the API key ('public-key' and 'private-key'): check both values, and that the credential belongs to the organization that owns the project."
    )
    expect(atlas.requests.map(r => r.auth)).toEqual(['none', 'digest'])
    expect(run.outputs['error-code']).toBe('UNEXPECTED_ERROR')
  })

  test('401 from the token endpoint: wrong service-account secret', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { 'client-secret': 'mdb_sa_sk_wrong' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(
      /^Atlas API 401 invalid_client: Invalid credentials provided\.\nAtlas rejected the service account \('client-id' and 'client-secret'\)/
    )
    expect(atlas.apiRequests()).toHaveLength(0)
  })

  test('403 access list: the runner address from parameters, and what to do', async ctx => {
    const atlas = await emulator({ accessListDeniesIp: '203.0.113.7' }, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      "Atlas API 403 IP_ADDRESS_NOT_ON_ACCESS_LIST: IP address 203.0.113.7 is not allowed to access this resource.\nThe API access list of the service account ('client-id' and 'client-secret') must allow this runner's address 203.0.113.7. GitHub-hosted runners change address from run to run: add their ranges, or use a self-hosted runner with a fixed address."
    )
    expect(run.outputs['error-code']).toBe('IP_ADDRESS_NOT_ON_ACCESS_LIST')
    expect(atlas.tokensRevoked).toBe(1)
  })

  test('403 missing role: names the role to grant', async ctx => {
    const atlas = await emulator({ missingExportRole: true }, ctx)
    const run = await runAction(digestInputs(atlas.url))
    expect(failureOf(run).message).toBe(
      "Atlas API 403 USER_UNAUTHORIZED: Current user is not authorized to perform this action.\nGive the API key ('public-key' and 'private-key') the Project Backup Export Operator role (or Project Owner) on this project."
    )
  })

  test('404: a cluster that does not exist', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': 'prod' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(`Atlas API 404 CLUSTER_NOT_FOUND: No cluster named prod exists in group ${PROJECT_ID}.`)
    expect(run.outputs['error-code']).toBe('CLUSTER_NOT_FOUND')
  })

  test('409: the snapshot is already being exported, to another bucket', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }] }, ctx)
    expect((await runAction(digestInputs(atlas.url, { 'export-bucket-id': OTHER_BUCKET_ID }))).exitCode).toBe(0)
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      `Atlas API 409 EXPORT_ALREADY_IN_PROGRESS: An export of snapshot ${LATEST_SNAPSHOT_ID} is already in progress.\nAtlas allows one active export per snapshot: an export of this snapshot may already be running.`
    )
    expect(atlas.jobs).toHaveLength(1)
  })

  test('500: Atlas failed', async ctx => {
    const atlas = await emulator({}, ctx)
    const body = JSON.stringify({ detail: 'Unexpected error.', error: 500, errorCode: 'UNEXPECTED_ERROR', parameters: [], reason: 'Internal Server Error' })
    atlas.inject({ method: 'POST', path: /exports$/, times: 10, fault: { status: 500, body } })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe('Atlas API 500 UNEXPECTED_ERROR: Unexpected error.')
    // As many attempts as any call (6), each after a look at the list for what it may have made.
    expect(atlas.apiRequests({ method: 'POST' }).filter(r => r.auth === 'digest')).toHaveLength(6)
    // The look before creating, then one after each ambiguous answer.
    expect(atlas.apiRequests({ method: 'GET', path: /exports$/ }).filter(r => r.auth === 'digest')).toHaveLength(1 + 6)
    expect(visibleLog(run)).not.toMatch(/\n\s+at /)
  })

  test('an HTML page from a proxy: the status and a short excerpt', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({
      method: 'POST',
      path: /exports$/,
      times: 10,
      fault: { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'Content-Type': 'text/html' } }
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(failureOf(run).message).toBe('Atlas API 502: non-JSON response (text/html): 502 Bad Gateway')
  })

  test('an error inside an envelope (HTTP 200) is still the error', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': 'prod', envelope: 'true' }))
    expect(atlas.requests.at(-1)?.status).toBe(200)
    expect(failureOf(run).message).toBe(`Atlas API 404 CLUSTER_NOT_FOUND: No cluster named prod exists in group ${PROJECT_ID}.`)
  })

  test('Atlas not reachable: where and why, no stack trace', async ctx => {
    const atlas = await emulator({}, ctx)
    await atlas.close()
    const run = await runAction(digestInputs(atlas.url, { 'wait-timeout': '2s' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(
      /^Could not reach Atlas \(GET http:\/\/127\.0\.0\.1:\d+\/api\/atlas\/v2\/.+\/exportBuckets\/[0-9a-f]{24}\): connect ECONNREFUSED/
    )
    expect(visibleLog(run)).not.toMatch(/\n\s+at /)
  })
})

describe.concurrent('bad inputs fail before any request, naming the input', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['no credentials', { 'public-key': '', 'private-key': '' }, 'No Atlas credentials'],
    ['half a key', { 'private-key': '' }, "Input 'private-key' is required with 'public-key'"],
    [
      'both kinds of credentials',
      { 'client-id': SERVICE_ACCOUNT.clientId, 'client-secret': SERVICE_ACCOUNT.clientSecret },
      "Inputs 'public-key'/'private-key' and 'client-id'/'client-secret' are both set"
    ],
    ['project id', { 'project-id': 'prod-project' }, "Input 'project-id' must be 24 hexadecimal digits (0-9, a-f); got 'prod-project'"],
    ['cluster name', { 'cluster-name': 'prod cluster' }, "Input 'cluster-name' must be a cluster name as Atlas allows it"],
    ['missing cluster name', { 'cluster-name': '' }, "Input 'cluster-name' is required"],
    ['snapshot id', { 'snapshot-id': 'yesterday' }, "Input 'snapshot-id' must be 24 hexadecimal digits (0-9, a-f) or 'latest' or 'new'; got 'yesterday'"],
    ['bucket id', { 'export-bucket-id': 'my-bucket' }, "Input 'export-bucket-id' must be 24 hexadecimal digits"],
    ['custom data', { 'custom-data': '{"a": [1]}' }, "Input 'custom-data' value of 'a' must be a string, got object"],
    ['wait', { wait: 'yes please' }, "Input 'wait' must be true or false; got 'yes please'"],
    ['wait-timeout', { 'wait-timeout': '1x' }, "Input 'wait-timeout' must be a duration like 90s, 15m or 1h30m (or a number of seconds); got '1x'"],
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

describe.concurrent('secrets', () => {
  test('with step debug on, no secret appears anywhere but in its add-mask command', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] }, ctx)
    const digest = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'snapshot-id': 'latest' }), { env: { RUNNER_DEBUG: '1' } })
    const sa = await runAction(serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'cluster-name': 'nope' }), { env: { RUNNER_DEBUG: '1' } })
    expect(digest.exitCode).toBe(0)
    expect(sa.exitCode).toBe(1)
    const tokens = [...new Set(atlas.requests.filter(r => r.auth === 'bearer').map(r => String(r.headers.authorization).slice(7)))]
    expect(tokens).toHaveLength(1)
    const basic = Buffer.from(`${SERVICE_ACCOUNT.clientId}:${SERVICE_ACCOUNT.clientSecret}`).toString('base64')
    const secrets = [API_KEY.privateKey, SERVICE_ACCOUNT.clientSecret, basic, ...tokens]
    for (const run of [digest, sa]) {
      const masks = run.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))
      const rest =
        run.stdout
          .split('\n')
          .filter(line => !line.startsWith('::add-mask::'))
          .join('\n') +
        run.stderr +
        run.summary +
        JSON.stringify(run.outputs)
      for (const secret of secrets) expect(rest).not.toContain(secret)
      expect(rest).not.toMatch(/Digest username|response="/)
      expect(masks.length).toBeGreaterThan(0)
    }
    expect(digest.stdout).toContain(`::add-mask::${API_KEY.privateKey}`)
    expect(sa.stdout).toContain(`::add-mask::${SERVICE_ACCOUNT.clientSecret}`)
    expect(sa.stdout).toContain(`::add-mask::${tokens[0]}`)
  })

  test('a secret is masked even when the inputs are bad', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': '' }))
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${API_KEY.privateKey}`)
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
