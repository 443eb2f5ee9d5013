/**
 * Signing in, as a workflow gives the credential: an API key (HTTP Digest) or a service account
 * (OAuth 2.0), as inputs or MONGODB_ATLAS_* variables, and what a refused one looks like.
 */
import { describe, expect, test } from 'vitest'
import { API_KEY, digestInputs, PROJECT_ID, serviceAccountInputs } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { failureOf, useEmulator } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('a credential', () => {
  test('service account: one token, the look, one POST, the token revoked at the end', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    expect(
      atlas.requests.map(r => `${r.method} ${r.path.replace(/\/api\/atlas\/v2\/.*\//, '…/')} ${r.auth} ${r.status}`)
    ).toEqual([
      'POST /api/oauth/token basic 200',
      'GET …/6a793f752c88faeba59bba56 bearer 200',
      'GET …/exports bearer 200',
      'POST …/exports bearer 200',
      'POST /api/oauth/revoke basic 200'
    ])
    expect(atlas.tokensIssued).toBe(1)
    expect(atlas.tokens.size).toBe(0)
    expect(run.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('the token request meets trouble: the retry line names it, not the call that needed it', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'POST', path: /\/api\/oauth\/token$/, beforeAuth: true, fault: { reset: true } })
    atlas.inject({
      method: 'POST',
      path: /\/api\/oauth\/token$/,
      beforeAuth: true,
      fault: { status: 503, body: '{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}' }
    })
    const run = await runAction(serviceAccountInputs(atlas.url))
    expect(run.exitCode).toBe(0)
    const bucket = 'GET …/backup/exportBuckets/6a793f752c88faeba59bba56'
    expect(run.stdout).toMatch(
      new RegExp(
        `Could not reach Atlas \\([^)]+\\) to POST /api/oauth/token \\(the service-account token for ${bucket}\\); retry 1 of 5`
      )
    )
    expect(run.stdout).toContain(
      `Atlas answered 503 SERVICE_UNAVAILABLE to POST /api/oauth/token (the service-account token for ${bucket}); retry 2 of 5`
    )
    expect(atlas.tokensIssued).toBe(1)
  })

  test('credentials from MONGODB_ATLAS_* env variables', async ctx => {
    const atlas = await emulator({}, ctx)
    const { 'public-key': _p, 'private-key': _k, 'project-id': _g, ...inputs } = digestInputs(atlas.url)
    const run = await runAction(inputs, {
      env: {
        MONGODB_ATLAS_PUBLIC_API_KEY: API_KEY.publicKey,
        MONGODB_ATLAS_PRIVATE_API_KEY: API_KEY.privateKey,
        MONGODB_ATLAS_PROJECT_ID: PROJECT_ID
      }
    })
    expect(run.exitCode).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
  })
})

describe.concurrent('a refused credential', () => {
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
})

describe.concurrent('the stage that failed is the real one', () => {
  test('a wrong private key: signing in failed, not choosing the snapshot', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(
      digestInputs(atlas.url, { 'private-key': `${API_KEY.privateKey}x`, 'snapshot-id': 'latest' })
    )
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('**Signing in to Atlas** failed: Atlas API 401')
  })

  test('a wrong service-account secret: signing in failed', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(serviceAccountInputs(atlas.url, { 'client-secret': 'mdb_sa_sk_wrong' }))
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('**Signing in to Atlas** failed: Atlas API 401 invalid_client')
  })
})
