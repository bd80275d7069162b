import { HealthcodeError } from '../codec/healthcode-error.js'
/** A stable, machine-readable reason why a certificate PDF could not be rendered. */
export type CertificatePdfErrorCode =
  /** A character of the text is in neither Noto Sans nor Noto Sans SC. */
  | 'ERR_PDF_NO_FONT'
  /** The QR code's text is empty or longer than a QR code holds at level M. */
  | 'ERR_PDF_QR_TEXT'
  /** The record's details lack a field, or have one of the wrong type, for its kind. */
  | 'ERR_PDF_DETAILS'
  /** The issue or expiry time is an invalid `Date`. */
  | 'ERR_PDF_DATE'
  /** The text is too long to fit on one page. */
  | 'ERR_PDF_OVERFLOW'

/** A failure to render a certificate PDF, with a stable `code`. */
export class CertificatePdfError extends HealthcodeError<CertificatePdfErrorCode> {
  override readonly name = 'CertificatePdfError'
}
