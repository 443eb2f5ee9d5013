/**
 * Runs the built `dist/index.js` the way the GitHub runner does: each input as env
 * `INPUT_<NAME>` (upper-cased, hyphens kept) with action.yml's defaults applied,
 * `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files, and the exit code.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'yaml'

/** The repository root: the nearest folder up with action.yml (this file also runs compiled, from .build/). */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'action.yml'))) return dir
    if (dirname(dir) === dir) throw new Error(`no action.yml above ${from}`)
  }
}
/** The bundle the runner runs (dist/), or the one the test setup built from src/ (ACTION_BUNDLE). */
export const BUNDLE = process.env.ACTION_BUNDLE ?? join(ROOT, 'dist', 'index.js')

export interface ActionRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly summary: string
  /** `::error ...` and `::warning ...` workflow commands, as written. */
  readonly annotations: string[]
  readonly durationMs: number
  /** When the process was started (ms since the epoch). */
  readonly startedAt: number
  /** The process's peak resident memory in MiB, with `measurePeakMemory`. */
  readonly peakMemoryMiB?: number
}

export interface RunOptions {
  readonly env?: Record<string, string>
  readonly node?: string
  readonly timeoutMs?: number
  /** Send this signal as soon as the step's log matches (a cancelled workflow run). */
  readonly cancelWhen?: { readonly log: RegExp; readonly signal: NodeJS.Signals }
  /** Called when the cancel signal is sent. */
  readonly onCancel?: () => void
  /** Step the wall clock of the action's process once (its monotonic clock goes on as it is). */
  readonly clockStep?: { readonly afterMs: number; readonly byMs: number }
  /** Measure the process's peak resident memory (`peakMemoryMiB`). */
  readonly measurePeakMemory?: boolean
}

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

export function actionYml(): ActionYml {
  return parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
}

/** The variable the runner hands an input in: `INPUT_<NAME>`, upper-cased, hyphens kept. */
export const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/** action.yml defaults under the given inputs, as the runner computes INPUT_* values. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYml().inputs)) {
    if (spec.default !== undefined) env[inputVariable(name)] = String(spec.default)
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value
  return env
}

export async function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ase-run-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !key.startsWith('INPUT_') &&
        !key.startsWith('MONGODB_ATLAS_') &&
        !key.startsWith('GITHUB_') &&
        key !== 'RUNNER_DEBUG'
    )
  )
  const env = {
    ...baseEnv,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'octo-org/backups',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Nightly export',
    GITHUB_SERVER_URL: 'https://github.com',
    // In tests, backoff in tens of milliseconds: every retry is still made, none takes
    // seconds. The demo and the benchmark run the action as it is.
    ...(process.env.VITEST ? { ATLAS_EXPORT_BACKOFF_BASE_MS: '50' } : {}),
    ...inputEnv(inputs),
    ...options.env,
    ...probeEnv(options, dir)
  }
  const started = Date.now()
  // ACTION_NODE: the Node that runs the bundle (the vitest project for node24 sets it).
  const child = spawn(options.node ?? process.env.ACTION_NODE ?? process.execPath, [BUNDLE], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let cancelled = false
  child.stdout.on('data', chunk => {
    stdout += String(chunk)
    if (options.cancelWhen && !cancelled && options.cancelWhen.log.test(stdout)) {
      cancelled = true
      options.onCancel?.()
      child.kill(options.cancelWhen.signal)
    }
  })
  child.stderr.on('data', chunk => (stderr += String(chunk)))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const exitCode = await new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
  clearTimeout(timer)
  const result: ActionRun = {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    annotations: stdout.split('\n').filter(line => /^::(error|warning|notice)/.test(line)),
    durationMs: Date.now() - started,
    startedAt: started,
    peakMemoryMiB: options.measurePeakMemory ? peakMemoryMiB(dir) : undefined
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}

const PROBES = join(ROOT, 'scripts', 'probes')
const peakMemoryFile = (dir: string): string => join(dir, 'peak-memory')

/** The probes preloaded into the action's process, beside whatever NODE_OPTIONS the run was given. */
function probeEnv(options: RunOptions, dir: string): Record<string, string> {
  const imports: string[] = []
  const env: Record<string, string> = {}
  if (options.clockStep) {
    imports.push('clock-step.mjs')
    env.PROBE_CLOCK_STEP = `${options.clockStep.afterMs}:${options.clockStep.byMs}`
  }
  if (options.measurePeakMemory) {
    imports.push('peak-memory.mjs')
    env.PROBE_PEAK_MEMORY_FILE = peakMemoryFile(dir)
  }
  if (imports.length === 0) return env
  const preload = imports.map(file => `--import=${pathToFileURL(join(PROBES, file)).href}`)
  return { ...env, NODE_OPTIONS: [options.env?.NODE_OPTIONS ?? '', ...preload].join(' ').trim() }
}

/** Undefined when the process was killed before it could tell. */
function peakMemoryMiB(dir: string): number | undefined {
  if (!existsSync(peakMemoryFile(dir))) return undefined
  const kib = Number(readFileSync(peakMemoryFile(dir), 'utf8'))
  return Math.round((kib / 1024) * 10) / 10
}

/** The runner's file-command format: `name<<DELIM`, value lines, `DELIM`; the last value wins. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] as string)
    if (!match) continue
    const [, name, delimiter] = match as unknown as [string, string, string]
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string)
    outputs[name] = value.join('\n')
  }
  return outputs
}
