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
  const proxy = new URL(withScheme(value))
  return proxy.hostname ? proxy : undefined
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const

/**
 * Pure: what is wrong with the proxy settings, one line per variable, before any request
 * (a proxy that cannot work must not be bypassed silently, nor fail as "Invalid URL").
 */
export function proxyProblems(env: Env): string[] {
  const problems: string[] = []
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim()
    if (!value) continue
    const problem = proxyProblem(value)
    if (problem) {
      problems.push(
        `${name} is '${value}': ${problem}; use http://host:port (user:password@ for Basic proxy authentication)`
      )
    }
  }
  return problems
}

function proxyProblem(value: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase()
  if (scheme && scheme !== 'http' && scheme !== 'https')
    return `${scheme}:// proxies are not supported, only http:// and https://`
  const port = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*)(?::([^/]*))?/i.exec(value)?.[1]
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return `its port '${port}' is not a number`
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `its port ${port} is not from 1 to 65535`
  let url: URL
  try {
    url = new URL(withScheme(value))
  } catch {
    return 'it is not a URL (a space, or another character a host name cannot have?)'
  }
  if (!url.hostname) return 'it names no host'
  return undefined
}

/** `proxy.corp:3128` is how many people write it, and how curl reads it: as http://. */
function withScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
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
