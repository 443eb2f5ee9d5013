import { describe, expect, test } from 'vitest'
import { AtlasError, UnreadableAnswerError } from '../../src/atlas/errors.js'
import {
  backoffDelay,
  classify,
  DEFAULT_RETRY_POLICY,
  failedRequest,
  parseRetryAfter,
  retryPolicyFrom
} from '../../src/atlas/retry.js'
import { ConnectionError } from '../../src/atlas/transport.js'

const NOW = Date.parse('2026-12-01T10:00:00Z')

describe('parseRetryAfter reads RFC 9110 and nothing else', () => {
  test.for<[string | null, number | undefined]>([
    ['3', 3_000],
    [' 120 ', 120_000],
    ['Tue, 01 Dec 2026 10:00:05 GMT', 5_000],
    ['Tuesday, 01-Dec-26 10:00:05 GMT', 5_000],
    ['Tue Dec  1 10:00:05 2026', 5_000],
    ['1.5', undefined],
    ['-1', undefined],
    ['soon', undefined],
    ['3s', undefined],
    ['0', undefined],
    ['Tue, 01 Dec 2026 09:59:00 GMT', undefined],
    ['2026-12-01T10:00:05Z', undefined],
    ['', undefined],
    [null, undefined]
  ])('%j → %j ms', ([value, expected]) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected)
  })
})

describe('backoffDelay', () => {
  test('exponential with equal jitter: between half and all of base * 2^(n-1), capped', () => {
    const policy = DEFAULT_RETRY_POLICY
    expect([1, 2, 3, 4, 5, 6, 7].map(n => backoffDelay(n, undefined, policy, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000
    ])
    expect([1, 2, 3, 4, 5, 6, 7].map(n => backoffDelay(n, undefined, policy, () => 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000
    ])
  })

  test('Retry-After is a floor, with up to half again of jitter', () => {
    expect(backoffDelay(1, 4_000, DEFAULT_RETRY_POLICY, () => 0)).toBe(4_000)
    expect(backoffDelay(1, 4_000, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(5_000)
  })
})

const TOKEN_URL = 'https://cloud.mongodb.com/api/oauth/token'
const tokenAnswer = (status: number) =>
  new AtlasError({
    status,
    method: 'POST',
    url: TOKEN_URL,
    responseHeaders: new Headers(),
    body: '{}',
    authKind: 'service-account'
  })
const tokenTrouble = {
  reset: new ConnectionError('other side closed', `POST ${TOKEN_URL}`, true, false),
  500: tokenAnswer(500),
  400: tokenAnswer(400),
  unreadable: new UnreadableAnswerError(200, 'POST /api/oauth/token', 'no access_token in it')
}

describe('classify', () => {
  const atlas = (status: number) =>
    new AtlasError({
      status,
      method: 'GET',
      url: 'https://cloud.mongodb.com/x',
      responseHeaders: new Headers(),
      body: '{}',
      authKind: 'digest'
    })
  test.for<[string, unknown, string]>([
    ['429', atlas(429), 'safe'],
    ['503', atlas(503), 'ambiguous'],
    ['500', atlas(500), 'ambiguous'],
    ['502', atlas(502), 'ambiguous'],
    ['504', atlas(504), 'ambiguous'],
    ['an unreadable 2xx', new UnreadableAnswerError(200, 'GET x', 'not JSON'), 'ambiguous'],
    ['400', atlas(400), 'final'],
    ['404', atlas(404), 'final'],
    ['409', atlas(409), 'final'],
    ['refused', new ConnectionError('connect ECONNREFUSED', 'x', false, false), 'safe'],
    ['reset', new ConnectionError('other side closed', 'x', true, false), 'ambiguous'],
    ['untrusted certificate', new ConnectionError('the TLS certificate is not trusted', 'x', false, true), 'final'],
    ['a bug', new TypeError('x is undefined'), 'final'],
    // The call waiting for its token was never sent: nothing to look for.
    ['a reset on the token request', tokenTrouble.reset, 'safe'],
    ['a 500 to the token request', tokenTrouble[500], 'safe'],
    ['an unreadable token answer', tokenTrouble.unreadable, 'safe'],
    ['a 400 to the token request', tokenTrouble[400], 'final']
  ])('%s is %s', ([_name, error, kind]) => {
    expect(classify(error)).toBe(kind)
  })
})

describe('failedRequest', () => {
  test.for(Object.entries(tokenTrouble))('%s on the token request: named, with the call it was for', ([, error]) => {
    expect(failedRequest(error, 'GET …/exports')).toBe(
      'POST /api/oauth/token (the service-account token for GET …/exports)'
    )
  })

  test("the call's own trouble: the call", () => {
    const reset = new ConnectionError('other side closed', 'GET https://cloud.mongodb.com/api/atlas/v2/x', true, false)
    expect(failedRequest(reset, 'GET …/exports')).toBe('GET …/exports')
  })
})

describe('retryPolicyFrom', () => {
  test('the default, unless ATLAS_EXPORT_BACKOFF_BASE_MS shrinks the backoff (never the attempts)', () => {
    expect(retryPolicyFrom({})).toBe(DEFAULT_RETRY_POLICY)
    expect(retryPolicyFrom({ ATLAS_EXPORT_BACKOFF_BASE_MS: 'x' })).toBe(DEFAULT_RETRY_POLICY)
    expect(retryPolicyFrom({ ATLAS_EXPORT_BACKOFF_BASE_MS: '5000' })).toBe(DEFAULT_RETRY_POLICY)
    expect(retryPolicyFrom({ ATLAS_EXPORT_BACKOFF_BASE_MS: '50' })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      baseDelayMs: 50,
      maxDelayMs: 1_500
    })
  })
})
