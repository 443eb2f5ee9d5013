/**
 * A real squid (from Debian) on 127.0.0.1, as a corporate proxy: CONNECT tunnels only
 * for users with Basic credentials, and host names it alone resolves (its hosts_file).
 * Its own config, pid file and logs in a temporary folder; never the system service.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SQUID = '/usr/sbin/squid'
const NCSA = '/usr/lib/squid/basic_ncsa_auth'

export const squidInstalled = existsSync(SQUID) && existsSync(NCSA) && spawnSync('htpasswd', ['-h']).error === undefined

export interface Squid {
  readonly port: number
  /** `CONNECT host:port` lines of the access log (squid writes one when a tunnel closes). */
  connects(): string[]
  close(): Promise<void>
}

export async function startSquid(options: {
  hosts: Record<string, string>
  user: string
  password: string
}): Promise<Squid> {
  const dir = mkdtempSync(join(tmpdir(), 'ase-squid-'))
  chmodSync(dir, 0o777)
  const port = await freePort()
  spawnSync('htpasswd', ['-bc', join(dir, 'passwd'), options.user, options.password])
  writeFileSync(
    join(dir, 'hosts'),
    Object.entries(options.hosts)
      .map(([name, ip]) => `${ip} ${name}\n`)
      .join('')
  )
  writeFileSync(
    join(dir, 'squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      `pid_filename ${dir}/squid.pid`,
      `cache_log ${dir}/cache.log`,
      `access_log stdio:${dir}/access.log squid`,
      'cache deny all',
      `hosts_file ${dir}/hosts`,
      `auth_param basic program ${NCSA} ${dir}/passwd`,
      'auth_param basic realm corporate-proxy',
      'acl authed proxy_auth REQUIRED',
      'http_access allow authed',
      'http_access deny all',
      `coredump_dir ${dir}`,
      'shutdown_lifetime 0 seconds',
      'pinger_enable off'
    ].join('\n')
  )
  for (const file of ['passwd', 'hosts', 'squid.conf']) chmodSync(join(dir, file), 0o644)
  const child: ChildProcess = spawn(SQUID, ['-N', '-f', join(dir, 'squid.conf')], { stdio: 'ignore' })
  await waitForPort(port, 15_000)
  return {
    port,
    connects: () => {
      const log = join(dir, 'access.log')
      return existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter(line => / CONNECT /.test(line))
        : []
    },
    close: async () => {
      child.kill('SIGKILL')
      await new Promise(resolve => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const open = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > until) throw new Error(`squid did not listen on ${port} within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
