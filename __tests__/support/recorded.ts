/**
 * Real Atlas responses recorded by the Atlas CLI's e2e tests (`.snaphost` files: the
 * status line, headers, a blank line, the body). Tests replay them byte for byte, and
 * the emulator copies their headers so it answers the way Atlas does.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const RECORDED_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'atlas-recorded')

export interface Recorded {
  readonly file: string
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: string
}

export function loadRecorded(relativePath: string): Recorded {
  const text = readFileSync(join(RECORDED_DIR, relativePath), 'utf8')
  const split = text.indexOf('\n\n')
  const head = text.slice(0, split).split('\n')
  const body = text.slice(split + 2)
  const statusLine = head.shift() ?? ''
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1])
  const headers = head.map(line => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon), line.slice(colon + 1).trim()] as const
  })
  return { file: relativePath, status, headers, body }
}

/** The file of a folder whose name starts with `prefix` (the names carry long paths). */
export function findRecorded(folder: string, prefix: string): Recorded {
  const name = readdirSync(join(RECORDED_DIR, folder)).find(file => file.startsWith(prefix))
  if (!name) throw new Error(`no recorded response ${folder}/${prefix}*`)
  return loadRecorded(join(folder, name))
}

export function header(recorded: Recorded, name: string): string | undefined {
  return recorded.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1]
}
