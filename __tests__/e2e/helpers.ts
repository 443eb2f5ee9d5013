import type { AtlasEmulator, RecordedRequest } from '../../scripts/atlas-emulator/emulator.js'
import type { ActionRun } from '../../scripts/run-action.js'

export { useEmulator } from '../support/use-emulator.js'

/** The failure as the run page shows it: the one `::error` annotation, decoded. */
export function failureOf(run: ActionRun): { title: string; message: string } {
  const errors = run.annotations.filter(a => a.startsWith('::error'))
  if (errors.length !== 1) throw new Error(`expected one error annotation, got ${errors.length}:\n${run.stdout}`)
  const match = /^::error title=([^:]*)::(.*)$/.exec(errors[0] as string)
  if (!match) throw new Error(`not an annotation with a title: ${errors[0]}`)
  const decode = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
  return { title: decode(match[1] as string), message: decode(match[2] as string) }
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
