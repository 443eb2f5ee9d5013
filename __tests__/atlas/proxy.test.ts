import { describe, expect, test } from 'vitest'
import { proxyFor, proxyName, proxyProblems } from '../../src/atlas/proxy.js'

const ATLAS = 'https://cloud.mongodb.com/api/atlas/v2/groups/x'
const via = (env: Record<string, string>, url = ATLAS): string | undefined => proxyFor(url, env)?.href

describe('proxyFor: the proxy of a request, from the env the run was given', () => {
  test('https_proxy before HTTPS_PROXY; http_proxy only for plain http', () => {
    expect(via({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' })).toBe('http://a:1/')
    expect(via({ HTTPS_PROXY: 'http://b:2' })).toBe('http://b:2/')
    expect(via({ HTTP_PROXY: 'http://b:2' })).toBeUndefined()
    expect(via({ HTTP_PROXY: 'http://b:2' }, 'http://atlas.example/x')).toBe('http://b:2/')
    expect(via({})).toBeUndefined()
  })

  test('a proxy without a scheme is read as http://, as curl does, credentials kept', () => {
    expect(via({ HTTPS_PROXY: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128/')
    expect(via({ HTTPS_PROXY: 'user:pw@proxy.corp:8080' })).toBe('http://user:pw@proxy.corp:8080/')
  })

  test('loopback is never proxied', () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://[::1]:9/x'])
      expect(via({ HTTP_PROXY: 'http://p:1' }, url)).toBeUndefined()
  })

  test('NO_PROXY: a host, a domain with or without its dot, host:port, *', () => {
    const proxy = { HTTPS_PROXY: 'http://p:1' }
    expect(via({ ...proxy, NO_PROXY: 'cloud.mongodb.com' })).toBeUndefined()
    expect(via({ ...proxy, NO_PROXY: 'mongodb.com' })).toBeUndefined()
    expect(via({ ...proxy, no_proxy: '.mongodb.com' })).toBeUndefined()
    expect(via({ ...proxy, NO_PROXY: 'cloud.mongodb.com:443' })).toBeUndefined()
    expect(via({ ...proxy, NO_PROXY: '*' })).toBeUndefined()
    expect(via({ ...proxy, NO_PROXY: 'example.org, godb.com, cloud.mongodb.com:8443' })).toBe('http://p:1/')
  })

  test('the name in messages has no credentials', () => {
    expect(proxyName(new URL('http://user:secret@proxy.corp:3128'))).toBe('http://proxy.corp:3128')
  })
})

describe('proxyProblems: settings that cannot work, named before any request', () => {
  test('good values, with or without a scheme and credentials, have none', () => {
    expect(
      proxyProblems({
        HTTPS_PROXY: 'http://user:p%40ss@proxy.corp:3128',
        http_proxy: 'proxy.corp:3128',
        https_proxy: 'https://[::1]:8443'
      })
    ).toEqual([])
  })

  test.each([
    ['http://proxy.corp:31a8', "its port '31a8' is not a number"],
    ['http://proxy.corp:70000', 'its port 70000 is not from 1 to 65535'],
    ['socks5://127.0.0.1:1080', 'socks5:// proxies are not supported'],
    ['http://proxy corp:3128', 'it is not a URL'],
    ['http://', 'it is not a URL']
  ])('%s: %s', (value, problem) => {
    expect(proxyProblems({ HTTPS_PROXY: value })).toEqual([
      expect.stringContaining(`HTTPS_PROXY is '${value}': ${problem}`)
    ])
  })
})
