import { useEffect, useRef } from 'react'
import QRCode from 'qrcode'

/** Draws `text` as a QR code on a canvas, in `colour` on white, `size` CSS pixels square. */
export function QrCanvas({
  text,
  colour = '#000000',
  size,
  label,
}: {
  text: string
  colour?: string
  size: number
  label: string
}) {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (!canvas.current) return
    // Drawn at the device's pixel ratio so the modules stay sharp; a phone's screen is read by
    // another phone's camera at a door.
    const scale = Math.min(3, Math.max(1, window.devicePixelRatio || 1))
    QRCode.toCanvas(canvas.current, text, {
      errorCorrectionLevel: 'M',
      margin: 3,
      width: Math.round(size * scale),
      color: { dark: colour, light: '#ffffff' },
    }).catch(() => {
      // A text too long for a QR code cannot occur with the API's codes; the label still says what it is.
    })
    canvas.current.style.width = `${size}px`
    canvas.current.style.height = `${size}px`
  }, [text, colour, size])
  return <canvas ref={canvas} className="qr" role="img" aria-label={label} data-qr-text={text} />
}
