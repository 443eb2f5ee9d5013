/**
 * Preloaded into the action's process (NODE_OPTIONS=--import): at exit, writes the
 * process's peak resident set size in KiB (getrusage's maxrss) to PROBE_PEAK_MEMORY_FILE.
 */
import { writeFileSync } from 'node:fs'

const file = process.env.PROBE_PEAK_MEMORY_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
