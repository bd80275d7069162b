import { importOnFirstUse } from '../codec/load-on-first-use.js'
import type { CertificatePdfInput } from './render-certificate-pdf.js'

export { CertificatePdfError } from './errors.js'
export type { CertificatePdfErrorCode } from './errors.js'
export { certificateLabels, certificateLanguages, labelKeys } from './labels.js'
export type { CertificateLanguage, LabelKey } from './labels.js'
export { QR_PRINT_WIDTH } from './print-sizes.js'
export type { CertificatePdfInput } from './render-certificate-pdf.js'

// PDFKit, its font engine and the embedded Noto fonts are loaded with the first certificate printed.
const printer = importOnFirstUse(
  'the certificate printer (pdfkit, fonts)',
  () => import('./render-certificate-pdf.js'),
)

/**
 * Renders a certificate as a one-page A4 PDF (see `render-certificate-pdf.ts`); the printer is
 * loaded on first use.
 *
 * @throws {CertificatePdfError} as the printer does; an `Error` if the printer cannot be loaded
 */
export async function renderCertificatePdf(input: CertificatePdfInput): Promise<Buffer> {
  return (await printer()).renderCertificatePdf(input)
}
