/**
 * vitest global setup: the end-to-end tests run a bundle built from the current src/
 * (with the flags of `npm run build`), so a change to src/ is what they test even
 * before dist/ is rebuilt. CI separately checks that dist/ is that same build.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from '../../scripts/run-action.js'

export const BUNDLE_UNDER_TEST = join(ROOT, '.build', 'bundle', 'index.js')

export default function setup(): void {
  if (process.env.ACTION_BUNDLE) return
  const ncc = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  execFileSync(
    process.execPath,
    [ncc, 'build', 'src/index.ts', '-o', '.build/bundle', '--minify', '--target', 'es2022', '--quiet'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
}
