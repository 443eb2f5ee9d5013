import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  AtlasEmulator,
  atlasTime,
  type EmulatorOptions,
  type Fault,
  type RecordedRequest
} from '../../scripts/atlas-emulator/emulator.js'
import { standardOptions } from '../../scripts/atlas-emulator/scenario.js'
import { startProxy } from '../support/connect-proxy.js'
import { ROOT, type ActionRun } from '../../scripts/run-action.js'

export { useEmulator } from '../support/use-emulator.js'

/** The error annotations as the run page shows them, decoded. */
export function errorsOf(run: ActionRun): Array<{ title: string; message: string }> {
  const decode = (s: string): string =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
  return run.annotations
    .filter(a => a.startsWith('::error'))
    .map(annotation => {
      const match = /^::error title=([^:]*)::(.*)$/.exec(annotation)
      if (!match) throw new Error(`not an annotation with a title: ${annotation}`)
      return { title: decode(match[1] as string), message: decode(match[2] as string) }
    })
}

/** The failure as the run page shows it: the one `::error` annotation, decoded. */
export function failureOf(run: ActionRun): { title: string; message: string } {
  const errors = errorsOf(run)
  if (errors.length !== 1) throw new Error(`expected one error annotation, got ${errors.length}:\n${run.stdout}`)
  return errors[0] as { title: string; message: string }
}

/** Nothing like a stack trace outside debug lines. */
export function visibleLog(run: ActionRun): string {
  return (run.stdout + run.stderr)
    .split('\n')
    .filter(line => !line.startsWith('::debug::'))
    .join('\n')
}

/** The seconds a "Stopped waiting after …" message says the run waited. */
export function waitedSeconds(message: string): number {
  const match = /Stopped waiting after (?:(\d+)m )?(\d+)s/.exec(message)
  if (!match) throw new Error(`no wait in: ${message}`)
  return Number(match[1] ?? 0) * 60 + Number(match[2])
}

/** The polls of one export job: authenticated GETs of `…/exports/<id>`. */
export function pollsOf(atlas: AtlasEmulator): RecordedRequest[] {
  return atlas.apiRequests({ method: 'GET', path: /\/backup\/exports\/[0-9a-f]{24}$/ }).filter(r => r.auth !== 'none')
}

export const EXPORTS = /\/backup\/exports$/
export const ONE_JOB = /\/backup\/exports\/[0-9a-f]{24}$/
export const SNAPSHOTS = /\/backup\/snapshots$/
/** An Atlas error answer, as a fault to inject. */
export const apiError = (
  status: number,
  errorCode: string,
  detail = `${errorCode} injected`
): { status: number; body: string; headers: Record<string, string> } => ({
  status,
  body: JSON.stringify({ detail, error: status, errorCode, parameters: [], reason: '' }),
  headers: { 'X-Error-Code': errorCode }
})
/** Atlas's refusal of a call the credential has no role for. */
export const refusedRole = {
  status: 403,
  body: JSON.stringify({
    detail: 'Current user is not authorized to perform this action.',
    error: 403,
    errorCode: 'USER_UNAUTHORIZED',
    parameters: [],
    reason: 'Forbidden'
  }),
  headers: { 'X-Error-Code': 'USER_UNAUTHORIZED' }
}
/** The stateReason of an export job Atlas could not write. */
export const ACCESS_DENIED = {
  errorCode: 'EXPORT_BUCKET_ACCESS_DENIED',
  message: 'Atlas could not write to the bucket.'
}
/** A 200 that is not Atlas: a portal page from something in between. */
export const html: Fault = {
  status: 200,
  body: '<html><body>Logged out of the corporate portal</body></html>',
  headers: { 'Content-Type': 'text/html' }
}
/** The authenticated POSTs to a path (the export jobs by default). */
export const posts = (atlas: AtlasEmulator, path = EXPORTS): RecordedRequest[] =>
  atlas.apiRequests({ method: 'POST', path }).filter(r => r.auth !== 'none')
export const hoursAgo = (h: number): string => atlasTime(Date.now() - h * 3_600_000)

export const TLS = join(ROOT, '__tests__', 'fixtures', 'tls')
/** A name no resolver on the machine knows: only the test proxy maps it to 127.0.0.1. */
export const HOST = 'atlas.emulator.test'

/** The emulator over HTTPS as HOST, with the test certificate. */
export async function tlsEmulator(extra: EmulatorOptions = {}): Promise<AtlasEmulator> {
  const timeline = [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'Successful' }]
  return new AtlasEmulator(standardOptions({ exportTimeline: timeline, ...extra })).start(0, {
    key: readFileSync(join(TLS, 'key.pem'), 'utf8'),
    cert: readFileSync(join(TLS, 'cert.pem'), 'utf8'),
    hostname: HOST
  })
}

/** The TLS emulator under a name only the test proxy resolves, both closed after the test. */
export async function behindProxy(ctx: { onTestFinished: (fn: () => Promise<void>) => void }) {
  const atlas = await tlsEmulator()
  const proxy = await startProxy({ hosts: { [HOST]: '127.0.0.1' } })
  ctx.onTestFinished(async () => {
    await atlas.close()
    await proxy.close()
  })
  return { atlas, proxy }
}
