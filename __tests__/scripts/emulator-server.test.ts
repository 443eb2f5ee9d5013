/**
 * `npm run emulator`, as the contributors' guide runs it: it says where it listens, its
 * process id and what to paste, and it stops when it is told to, also when the `npm`
 * in front of it is the process stopped (`npm run emulator &` then `kill $!`).
 */
import { spawn } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { ROOT } from '../../scripts/run-action.js'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('npm run emulator', () => {
  test('prints its address, its process id and the env to paste; killing npm stops it', async () => {
    const npm = spawn('npm', ['run', 'emulator', '--', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    npm.stdout.on('data', chunk => (out += String(chunk)))
    const banner = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 60_000)
      npm.stdout.on('data', () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+) \(process (\d+); stop it with: kill \2\)/.exec(out)
        if (match && out.includes('GITHUB_STEP_SUMMARY=')) {
          clearTimeout(timer)
          resolve(match)
        }
      })
    })
    const [, url, pid] = banner as unknown as [string, string, string]
    expect(out).toContain(`INPUT_BASE-URL=${url}`)
    expect((await fetch(`${url}/api/atlas/v2`)).status).toBeGreaterThan(0)
    npm.kill('SIGTERM')
    for (let i = 0; i < 40 && alive(Number(pid)); i++) await new Promise(resolve => setTimeout(resolve, 250))
    expect(alive(Number(pid)), 'the emulator stopped with npm').toBe(false)
    await expect(fetch(`${url}/api/atlas/v2`)).rejects.toThrow()
  }, 90_000)
})
