import type { MessageKey } from '../i18n/messages'

/** The door's reason codes (EntryReasonCode on the server, and CODE_INVALID) in words. */
const reasonText: Readonly<Record<string, MessageKey>> = {
  GREEN_CODE: 'reason.GREEN_CODE',
  YELLOW_CODE: 'reason.YELLOW_CODE',
  CODE_NOT_GREEN: 'reason.CODE_NOT_GREEN',
  GREEN_CODE_NOT_ACCEPTED: 'reason.GREEN_CODE_NOT_ACCEPTED',
  CERTIFICATE_ACCEPTED: 'reason.CERTIFICATE_ACCEPTED',
  CERTIFICATE_KIND_NOT_ACCEPTED: 'reason.CERTIFICATE_KIND_NOT_ACCEPTED',
  TEST_POSITIVE: 'reason.TEST_POSITIVE',
  TEST_TOO_OLD: 'reason.TEST_TOO_OLD',
  CODE_INVALID: 'reason.CODE_INVALID',
}

/** The key of a reason's text; an expired code gets its own, the most common refusal. */
export function entryReasonKey(reason: string | undefined, stage?: string): MessageKey {
  if (reason === 'CODE_INVALID' && stage === 'expired') return 'reason.CODE_EXPIRED'
  return (reason && reasonText[reason]) || 'reason.unknown'
}
