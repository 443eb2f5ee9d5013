/**
 * What Atlas said, when it says no: status, errorCode, detail, and what to do.
 */
import { describe, expect, test } from 'vitest'
import {
  digestInputs,
  LATEST_SNAPSHOT_ID,
  OTHER_BUCKET_ID,
  PROJECT_ID,
  serviceAccountInputs
} from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { failureOf, refusedRole, useEmulator, visibleLog } from './helpers.js'

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
    atlas.inject({
      method: 'POST',
      path: /exports$/,
      fault: { status: 400, body, headers: { 'X-Error-Code': 'INVALID_ATTRIBUTE' } }
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toEqual({
      title: 'Atlas export failed',
      message: 'Atlas API 400 INVALID_ATTRIBUTE: Invalid attribute customData specified.'
    })
    expect(run.outputs['error-code']).toBe('INVALID_ATTRIBUTE')
    expect(run.outputs['export-job-id']).toBeUndefined()
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
    expect(failureOf(run).message).toBe(
      `Atlas API 404 CLUSTER_NOT_FOUND: No cluster named prod exists in group ${PROJECT_ID}.`
    )
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
    const body = JSON.stringify({
      detail: 'Unexpected error.',
      error: 500,
      errorCode: 'UNEXPECTED_ERROR',
      parameters: [],
      reason: 'Internal Server Error'
    })
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
      fault: {
        status: 502,
        body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
        headers: { 'Content-Type': 'text/html' }
      }
    })
    const run = await runAction(digestInputs(atlas.url))
    expect(failureOf(run).message).toBe('Atlas API 502: non-JSON response (text/html): 502 Bad Gateway')
  })

  test('an error inside an envelope (HTTP 200) is still the error', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': 'prod', envelope: 'true' }))
    expect(atlas.requests.at(-1)?.status).toBe(200)
    expect(failureOf(run).message).toBe(
      `Atlas API 404 CLUSTER_NOT_FOUND: No cluster named prod exists in group ${PROJECT_ID}.`
    )
  })
})

describe.concurrent('a refused call names its own role', () => {
  test.for<[string, string, RegExp, Record<string, string>]>([
    ['the look at the export list', 'GET', /\/backup\/exports$/, {}],
    ['the create', 'POST', /\/backup\/exports$/, {}],
    ['a poll of the job', 'GET', /\/backup\/exports\/[0-9a-f]{24}$/, { wait: 'true', 'poll-interval': '1s' }],
    ['taking a snapshot', 'POST', /\/backup\/snapshots$/, { 'snapshot-id': 'new' }],
    ['reading the snapshots', 'GET', /\/backup\/snapshots$/, { 'snapshot-id': 'latest' }],
    ['reading the bucket', 'GET', /\/exportBuckets\/[0-9a-f]{24}$/, {}]
  ])('%s', async ([_what, method, path, extra], ctx) => {
    const role = {
      'the look at the export list': 'Project Backup Manager',
      'the create': 'Project Backup Export Operator',
      'a poll of the job': 'Project Backup Manager',
      'taking a snapshot': 'Project Backup Creator',
      'reading the snapshots': 'Project Read Only',
      'reading the bucket': 'Project Read Only'
    }[_what]
    const atlas = await emulator({}, ctx)
    atlas.inject({ method, path, times: 100, fault: refusedRole })
    const run = await runAction(digestInputs(atlas.url, extra))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toBe(
      `Atlas API 403 USER_UNAUTHORIZED: Current user is not authorized to perform this action.\nGive the API key ('public-key' and 'private-key') the ${role} role (or Project Owner) on this project.`
    )
  })

  test("a 409 whose follow-up list is refused keeps the 409's own detail too", async ctx => {
    const atlas = await emulator({}, ctx)
    const conflict = {
      status: 409,
      body: JSON.stringify({
        detail: 'An export of this snapshot is already running.',
        error: 409,
        errorCode: 'CONFLICT',
        parameters: [],
        reason: 'Conflict'
      })
    }
    atlas.inject({ method: 'POST', path: /\/backup\/exports$/, fault: conflict })
    atlas.inject({ method: 'GET', path: /\/backup\/exports$/, after: 1, times: 100, fault: refusedRole })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.exitCode).toBe(1)
    const { message } = failureOf(run)
    expect(message).toContain('Atlas API 403 USER_UNAUTHORIZED')
    expect(message).toContain(
      '(asked after the create was refused: Atlas API 409 CONFLICT: An export of this snapshot is already running.)'
    )
    expect(message).toContain('Project Backup Manager')
  })
})
