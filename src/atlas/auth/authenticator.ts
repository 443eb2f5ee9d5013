import type { AuthKind } from '../errors.js'
import type { TimedRequestInit } from '../transport.js'

/** How a request gets its credentials. */
export interface Authenticator {
  readonly kind: AuthKind
  /**
   * Sends one logical request with credentials. `init` builds fresh options for
   * every attempt on the wire, so nothing written into one attempt leaks into another.
   */
  send(url: string, init: () => TimedRequestInit): Promise<Response>
  /** Gives back what the run was lent (a service-account token). Never throws. */
  close(): Promise<void>
}
