/**
 * Preloaded into the action's process (NODE_OPTIONS=--import) to step the runner's wall
 * clock: PROBE_CLOCK_STEP="<after ms>:<by ms>" moves Date by <by ms> (negative: back) once,
 * <after ms> into the run, as NTP or a suspended VM would. The monotonic clock is untouched,
 * as it is on a real machine.
 */
import { setTimeout } from 'node:timers'

const [afterMs, byMs] = (process.env.PROBE_CLOCK_STEP ?? '').split(':').map(Number)
if (Number.isFinite(afterMs) && Number.isFinite(byMs)) {
  const RealDate = Date
  let offset = 0
  setTimeout(() => (offset = byMs), afterMs).unref()
  class SteppedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset)
      else super(...args)
    }
    static now() {
      return RealDate.now() + offset
    }
  }
  globalThis.Date = SteppedDate
}
