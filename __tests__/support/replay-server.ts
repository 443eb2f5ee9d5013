/**
 * Serves recorded Atlas responses byte for byte, one per request in the order given,
 * and keeps the requests it got: code that handles these bytes handles Atlas.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Recorded } from './recorded.js'

export interface ReplayServer {
  readonly url: string
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>
  close(): Promise<void>
}

export async function replay(responses: Recorded[]): Promise<ReplayServer> {
  const queue = [...responses]
  const requests: ReplayServer['requests'] = []
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
      const next = queue.shift()
      if (!next) {
        res.writeHead(599).end('replay: no recorded response left')
        return
      }
      // Content-Length is recomputed: the recordings came over HTTP/2 and some bodies differ by a newline.
      const headers = next.headers.filter(([name]) => !/^(content-length|connection)$/i.test(name))
      res.writeHead(next.status, Object.fromEntries(headers.map(([k, v]) => [k, v])))
      res.end(next.body)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}
