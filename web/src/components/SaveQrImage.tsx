import QRCode from 'qrcode'
import { useI18n } from '../i18n/LanguageProvider'

/** A PNG of `text` as a QR code, large enough to print or show from another phone. */
async function qrPng(text: string, colour: string): Promise<Blob> {
  // Drawn on a canvas of its own (a data: URL would need the CSP to allow fetching it).
  const canvas = document.createElement('canvas')
  await QRCode.toCanvas(canvas, text, {
    errorCorrectionLevel: 'M',
    margin: 4,
    width: 720,
    color: { dark: colour, light: '#ffffff' },
  })
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the QR image could not be made'))),
      'image/png',
    ),
  )
}

/**
 * "Save image" (a PNG download) and, where the browser can share files (the Web Share API, mostly
 * phones), "Share": the QR code leaves the app as a picture the holder keeps in their photos.
 */
export function SaveQrImage({
  text,
  colour = '#000000',
  fileName,
}: {
  text: string
  colour?: string
  fileName: string
}) {
  const { t } = useI18n()
  const save = async () => {
    const blob = await qrPng(text, colour)
    const link = document.createElement('a')
    link.href = URL.createObjectURL(blob)
    link.download = `${fileName}.png`
    document.body.append(link)
    link.click()
    link.remove()
    window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
  }
  const probe = new File([], `${fileName}.png`, { type: 'image/png' })
  const canShare =
    typeof navigator.share === 'function' &&
    typeof navigator.canShare === 'function' &&
    navigator.canShare({ files: [probe] })
  const share = async () => {
    const file = new File([await qrPng(text, colour)], `${fileName}.png`, { type: 'image/png' })
    try {
      await navigator.share({ files: [file], title: fileName })
    } catch {
      // Cancelled by the holder, or refused: nothing to tell.
    }
  }
  return (
    <p className="qr-actions">
      <button type="button" onClick={() => void save()}>
        {t('qr.save')}
      </button>
      {canShare && (
        <button type="button" onClick={() => void share()}>
          {t('qr.share')}
        </button>
      )}
    </p>
  )
}
