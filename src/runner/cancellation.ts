/**
 * A cancelled workflow run, as one object: the signal every request and sleep listens
 * to, and the handlers that run once when it fires (the summary, the token's revoke).
 * The runner owns it: it cancels on SIGINT/SIGTERM; a test cancels it by hand.
 */

export type CancelHandler = (signal: string) => Promise<void>

export class Cancellation {
  private readonly controller = new AbortController()
  private readonly handlers = new Set<CancelHandler>()

  /** Aborted when the run is cancelled: whatever was under way stops, nothing new starts. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** `handler` runs once when the run is cancelled; returns a function that drops it. */
  onCancel(handler: CancelHandler): () => void {
    this.handlers.add(handler)
    return () => this.handlers.delete(handler)
  }

  /** Aborts the signal first, so the flow stops at its next step, then runs the handlers. */
  async cancel(signal: string): Promise<void> {
    if (this.signal.aborted) return
    this.controller.abort()
    const handlers = [...this.handlers]
    this.handlers.clear()
    await Promise.all(handlers.map(handler => handler(signal)))
  }
}

export class CancelledError extends Error {
  constructor() {
    super('The run was cancelled.')
    this.name = 'CancelledError'
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError()
}
