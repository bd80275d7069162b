import { HealthcodeError } from '../codec/healthcode-error.js'
/** The streams a command talks through: the process's, or a test's. */
export interface CommandIo {
  readonly stdin: AsyncIterable<Uint8Array>
  readonly stdinIsTty: boolean
  readonly stdout: { write(text: string | Uint8Array): unknown }
  readonly stderr: { write(text: string): unknown }
}

/** A mistake in how the command was called: exit status 2, with the message and usage. */
export class UsageError extends HealthcodeError<'ERR_USAGE'> {
  override readonly name = 'UsageError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_USAGE', message, options)
  }
}
