import { describe, expect, test } from 'vitest'
import { connectionError } from '../../src/atlas/transport.js'

const URL_ = 'https://cloud.mongodb.com/api/atlas/v2/groups/x/clusters/y/backup/exports?envelope=true'
const failed = (cause: object): Error => new TypeError('fetch failed', { cause })
const coded = (message: string, code: string): Error => Object.assign(new Error(message), { code })

describe('connectionError tells connection failures apart', () => {
  test.for([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID'
  ])('an untrusted certificate (%s) is final and says how to trust a CA', code => {
    const error = connectionError(failed(coded('self-signed certificate', code)), 'POST', URL_, 30_000)
    expect(error.permanent).toBe(true)
    expect(error.mayHaveReachedServer).toBe(false)
    expect(error.message).toBe(
      `Could not reach Atlas (POST https://cloud.mongodb.com/api/atlas/v2/groups/x/clusters/y/backup/exports): the TLS certificate is not trusted (${code}: self-signed certificate). ` +
        "A TLS-inspecting proxy or a wrong base-url is the usual cause; to trust your organization's CA, set NODE_EXTRA_CA_CERTS to its PEM file in the step's env"
    )
  })

  test('an unknown host is final; a resolver hiccup (EAI_AGAIN) is not', () => {
    const unknown = connectionError(
      failed(coded('getaddrinfo ENOTFOUND cloud.mongodb.con', 'ENOTFOUND')),
      'GET',
      URL_,
      30_000
    )
    expect(unknown.permanent).toBe(true)
    expect(unknown.reason).toBe('getaddrinfo ENOTFOUND cloud.mongodb.con: no such host (check base-url)')
    const hiccup = connectionError(
      failed(coded('getaddrinfo EAI_AGAIN cloud.mongodb.com', 'EAI_AGAIN')),
      'GET',
      URL_,
      30_000
    )
    expect(hiccup.permanent).toBe(false)
    expect(hiccup.mayHaveReachedServer).toBe(false)
  })

  test('a reset may have reached the server; a timeout says how long it waited', () => {
    expect(
      connectionError(failed(coded('other side closed', 'UND_ERR_SOCKET')), 'POST', URL_, 30_000).mayHaveReachedServer
    ).toBe(true)
    const timeout = connectionError(
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      'GET',
      URL_,
      2_000
    )
    expect(timeout.reason).toBe('no answer within 2s')
  })

  test('through a proxy, the proxy is named; a 407 says only Basic proxy credentials work', () => {
    const error = connectionError(
      failed(new Error('Proxy response (407) !== 200 when HTTP Tunneling')),
      'GET',
      URL_,
      30_000,
      'http://proxy.corp:3128'
    )
    expect(error.message).toBe(
      'Could not reach Atlas (GET https://cloud.mongodb.com/api/atlas/v2/groups/x/clusters/y/backup/exports through the proxy http://proxy.corp:3128): ' +
        'the proxy refused the connection (Proxy response (407) !== 200 when HTTP Tunneling) (it wants credentials: put user:password in the proxy URL; only Basic proxy authentication works); check HTTPS_PROXY and NO_PROXY'
    )
    expect(error.permanent).toBe(true)
  })
})
