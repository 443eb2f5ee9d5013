/**
 * Which proxy a request goes through, read from the environment the run was given, with
 * the conventions of the runner and of @actions/http-client: `https_proxy`/`HTTPS_PROXY`
 * (`http_proxy` for plain http), loopback never proxied, `no_proxy`/`NO_PROXY` bypassing
 * hosts, domains (`.corp`, `corp`), `host:port` and `*`. A value without a scheme
 * (`proxy.corp:3128`) is read as curl reads it, as `http://`; @actions/http-client would
 * parse it as a URL with no host and silently go direct.
 */
import type { Env } from '../runner/runner.js'

/** Pure: the proxy URL for a request to `url`, or undefined to go direct. */
export function proxyFor(url: string, env: Env): URL | undefined {
  const target = new URL(url)
  if (isLoopback(target.hostname) || bypassed(target, env.no_proxy || env.NO_PROXY || '')) return undefined
  const value = (
    target.protocol === 'https:' ? env.https_proxy || env.HTTPS_PROXY : env.http_proxy || env.HTTP_PROXY
  )?.trim()
  if (!value) return undefined
  const proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`)
  return proxy.hostname ? proxy : undefined
}

/** The proxy without its credentials, for messages. */
export function proxyName(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

function isLoopback(host: string): boolean {
  const lower = host.toLowerCase()
  return lower === 'localhost' || lower.startsWith('127.') || lower === '[::1]' || lower === '[0:0:0:0:0:0:0:1]'
}

function bypassed(target: URL, noProxy: string): boolean {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const hosts = [target.hostname.toUpperCase(), `${target.hostname.toUpperCase()}:${port}`]
  return noProxy
    .split(',')
    .map(item => item.trim().toUpperCase())
    .filter(Boolean)
    .some(
      item =>
        item === '*' || hosts.some(host => host === item || host.endsWith(item.startsWith('.') ? item : `.${item}`))
    )
}
