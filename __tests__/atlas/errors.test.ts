import { describe, expect, test } from 'vitest'
import { AtlasError, describe as describeError, excerpt, hintFor } from '../../src/atlas/errors.js'
import { findRecorded } from '../support/recorded.js'

const json = (headers: Record<string, string> = {}): Headers =>
  new Headers({ 'content-type': 'application/json', ...headers })

describe('AtlasError', () => {
  test('the recorded CLUSTER_NOT_FOUND 404 reads as Atlas said it', () => {
    const recorded = findRecorded('TestExportJobs', 'ExportJobs__GET')
    const error = new AtlasError({
      status: recorded.status,
      method: 'GET',
      url: 'https://cloud.mongodb.com/api/atlas/v2/groups/b0123456789abcdef012345b/clusters/cluster-989',
      responseHeaders: new Headers(recorded.headers as Array<[string, string]>),
      body: recorded.body,
      authKind: 'digest'
    })
    expect(error.message).toBe(
      'Atlas API 404 CLUSTER_NOT_FOUND: No cluster named cluster-989 exists in group b0123456789abcdef012345b.'
    )
    expect(error.status).toBe(404)
    expect(error.errorCode).toBe('CLUSTER_NOT_FOUND')
    expect(error.parameters).toEqual(['cluster-989', 'b0123456789abcdef012345b'])
    expect(error.hint).toBeUndefined()
    expect(error.request.headers).toEqual({})
    expect(error.response?.headers['x-error-code']).toBe('CLUSTER_NOT_FOUND')
  })

  test('the Digest challenge body as a final 401 gets the credentials hint', () => {
    const recorded = findRecorded('Auth', 'digest-challenge')
    const error = new AtlasError({
      status: 401,
      method: 'POST',
      url: 'https://cloud.mongodb.com/x',
      responseHeaders: new Headers(recorded.headers as Array<[string, string]>),
      body: recorded.body,
      authKind: 'digest'
    })
    expect(error.message).toBe('Atlas API 401 UNEXPECTED_ERROR: You are not authorized for this resource.')
    expect(error.hint).toBe(
      "Atlas rejected the API key ('public-key' and 'private-key'): check both values, and that the credential belongs to the organization that owns the project."
    )
  })
})

describe('describe', () => {
  test('OAuth errors carry error and error_description', () => {
    const body = '{"error_description":"Invalid credentials provided.","error":"invalid_client"}'
    expect(describeError(401, JSON.parse(body), body, json())).toEqual({
      errorCode: 'invalid_client',
      detail: 'Invalid credentials provided.',
      parameters: []
    })
  })

  test('a null parameters list and a missing detail fall back sensibly', () => {
    const body = '{"error":404,"errorCode":"UNEXPECTED_ERROR","parameters":null,"reason":"Not Found"}'
    expect(describeError(404, JSON.parse(body), body, json())).toEqual({
      errorCode: 'UNEXPECTED_ERROR',
      detail: 'Not Found',
      parameters: []
    })
  })

  test('an HTML page from a proxy gives its type and a short plain-text excerpt, and X-Error-Code if any', () => {
    const body = `<html><head><style>p{}</style><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>${'x'.repeat(400)}</body></html>`
    const facts = describeError(
      502,
      undefined,
      body,
      new Headers({ 'content-type': 'text/html; charset=utf-8', 'x-error-code': 'GATEWAY' })
    )
    expect(facts.errorCode).toBe('GATEWAY')
    expect(facts.detail.startsWith('non-JSON response (text/html): 502 Bad Gateway Bad Gateway xxx')).toBe(true)
    expect(facts.detail.length).toBeLessThan(200)
  })

  test('an empty body says the reason phrase', () => {
    expect(describeError(503, undefined, '', new Headers())).toEqual({
      errorCode: undefined,
      detail: 'Service Unavailable',
      parameters: []
    })
  })

  test('excerpt folds white space and cuts long text', () => {
    expect(excerpt('a\n\n  b')).toBe('a b')
    expect(excerpt('y'.repeat(500), 10)).toBe(`${'y'.repeat(9)}…`)
  })
})

describe('hintFor', () => {
  test('403 access list names the runner address from parameters', () => {
    expect(hintFor(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', ['203.0.113.7'], 'service-account')).toBe(
      "The API access list of the service account ('client-id' and 'client-secret') must allow this runner's address 203.0.113.7. GitHub-hosted runners change address from run to run: add their ranges, or use a self-hosted runner with a fixed address."
    )
    expect(hintFor(403, 'ORG_REQUIRES_ACCESS_LIST', [], 'digest')).toContain("must allow this runner's address.")
  })

  test.each([
    [403, 'USER_UNAUTHORIZED'],
    [401, 'USER_UNAUTHORIZED'],
    [403, 'ACCESS_FORBIDDEN'],
    [403, undefined]
  ])('%d %s asks for the role of the refused call', (status, code) => {
    expect(hintFor(status, code, [], 'digest', 'Project Backup Manager')).toBe(
      "Give the API key ('public-key' and 'private-key') the Project Backup Manager role (or Project Owner) on this project."
    )
    expect(hintFor(status, code, [], 'service-account', 'Project Backup Export Operator')).toBe(
      "Give the service account ('client-id' and 'client-secret') the Project Backup Export Operator role (or Project Owner) on this project."
    )
  })

  test.each([
    [404, 'CLUSTER_NOT_FOUND'],
    [400, 'INVALID_ATTRIBUTE'],
    [500, 'UNEXPECTED_ERROR']
  ])('%d %s has no hint', (status, code) => {
    expect(hintFor(status, code, [], 'digest')).toBeUndefined()
  })

  test('409, 429 and a gone API version have their own advice', () => {
    expect(hintFor(409, 'X', [], 'digest')).toMatch(/one active export per snapshot/)
    expect(hintFor(429, 'RATE_LIMITED', [], 'digest')).toMatch(/rate limit/)
    expect(hintFor(410, 'VERSION_GONE', [], 'digest')).toMatch(/update the action/)
  })
})
