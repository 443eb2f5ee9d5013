// Writes dist/licenses.txt: every package bundled into dist/index.js (as ncc's webpack
// stats name them), with its version, license and license text, from the installed
// packages. `ncc --license` finds nothing useful for a .ts entry, hence this.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const stats = JSON.parse(readFileSync(join(root, '.build', 'ncc-stats.json'), 'utf8'))

const packages = new Set()
const visit = modules => {
  for (const module of modules ?? []) {
    for (const match of String(module.name ?? '').matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g))
      packages.add(match[1])
    visit(module.modules)
  }
}
visit(stats.modules)

const sections = [...packages].sort().map(name => {
  const dir = join(root, 'node_modules', name)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  // Old packages say `licenses: [{type}]` or `license: {type}`.
  const declared = pkg.license ?? pkg.licenses
  const license =
    [declared]
      .flat()
      .map(l => (typeof l === 'string' ? l : l?.type))
      .filter(Boolean)
      .join(' OR ') || 'UNKNOWN'
  const file = readdirSync(dir).find(f => /^(licen[cs]e|copying)/i.test(f))
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '(no license file in the package)'
  return `${name}@${pkg.version}\nLicense: ${license}\n\n${text}\n`
})

const header = `Third-party software bundled into dist/index.js (${packages.size} packages), written by scripts/licenses.mjs.\n`
writeFileSync(join(root, 'dist', 'licenses.txt'), [header, ...sections].join('\n---\n\n'))
if (!existsSync(join(root, 'dist', 'licenses.txt'))) process.exit(1)
console.log(`dist/licenses.txt: ${packages.size} packages`)
