/**
 * A forward proxy on 127.0.0.1 for tests: HTTPS through CONNECT tunnels, plus
 * absolute-URI plain HTTP. It resolves the names in its own table (names no one else
 * can resolve), so a run that reaches such a host went through it. It can refuse.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface ProxyOptions {
  /** Host names only this proxy knows, and the loopback address each stands for. */
  readonly hosts?: Record<string, string>
  /** Answer every CONNECT with this status instead of a tunnel (a proxy that refuses). */
  readonly refuseWith?: number
}

export interface TestProxy {
  readonly url: string
  /** `host:port` of every CONNECT and the URL of every plain request, in order. */
  readonly seen: string[]
  close(): Promise<void>
}

export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const seen: string[] = []
  const sockets = new Set<Socket>()
  const resolve = (host: string): string => options.hosts?.[host] ?? host
  const server: Server = createServer((req, res) => {
    seen.push(req.url ?? '')
    const target = new URL(req.url ?? '')
    const upstream = httpRequest(
      {
        host: resolve(target.hostname),
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connect', (req, client: Socket) => {
    seen.push(req.url ?? '')
    sockets.add(client)
    if (options.refuseWith) {
      client.end(`HTTP/1.1 ${options.refuseWith} Refused by policy\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    const [host = '', port = '443'] = (req.url ?? '').split(':')
    const upstream = connect(Number(port), resolve(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    const drop = (): void => {
      upstream.destroy()
      client.destroy()
    }
    upstream.on('error', drop)
    client.on('error', drop)
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(done => server.close(() => done()))
    }
  }
}
