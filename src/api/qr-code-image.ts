import type { QRCodeToBufferOptions } from 'qrcode'
import { importOnFirstUse } from '../codec/load-on-first-use.js'

const encoder = importOnFirstUse(
  'the QR code encoder (qrcode)',
  async () => (await import('qrcode')).default,
)

/**
 * The QR code images the API draws (a certificate's code, a venue's poster), with the `qrcode`
 * package loaded on the first image drawn rather than at start-up.
 */
export const QRCode = {
  /**
   * Draws `text` as a QR code image (`qrcode`'s `toBuffer`).
   *
   * @throws an `Error` if the text does not fit in a QR code, or if `qrcode` cannot be loaded
   */
  async toBuffer(text: string, options?: QRCodeToBufferOptions): Promise<Buffer> {
    return (await encoder()).toBuffer(text, options)
  },
}
