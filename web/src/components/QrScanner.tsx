import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../i18n/LanguageProvider'
import { type FrameDecoder, createFrameDecoder } from '../scanner/frame-decoder'

/** How often a frame is read, in milliseconds: fast enough to feel instant, light on a phone. */
const FRAME_INTERVAL_MS = 150

/**
 * The camera viewfinder: reads frames until one holds a QR code, then stops the camera and hands
 * the text to `onDecode`. The parent mounts it again to scan the next code.
 */
export function QrScanner({ onDecode }: { onDecode: (text: string) => void }) {
  const { t } = useI18n()
  const video = useRef<HTMLVideoElement>(null)
  const [state, setState] = useState<'starting' | 'scanning' | 'denied' | 'unavailable'>('starting')
  const decoded = useRef(onDecode)
  decoded.current = onDecode

  useEffect(() => {
    let stream: MediaStream | undefined
    let timer: number | undefined
    let stopped = false
    const stop = () => {
      stopped = true
      if (timer !== undefined) window.clearTimeout(timer)
      for (const track of stream?.getTracks() ?? []) track.stop()
    }
    ;(async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setState('unavailable')
        return
      }
      let decoder: FrameDecoder
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        })
        if (stopped) return stop()
        const element = video.current
        if (!element) return stop()
        element.srcObject = stream
        await element.play().catch(() => undefined)
        decoder = await createFrameDecoder()
      } catch (error) {
        stop()
        const name = error instanceof DOMException ? error.name : ''
        setState(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable')
        return
      }
      if (stopped) return
      setState('scanning')
      const tick = async () => {
        if (stopped) return
        const element = video.current
        let text: string | undefined
        try {
          text = element ? await decoder(element) : undefined
        } catch {
          text = undefined
        }
        if (stopped) return
        if (text) {
          stop()
          decoded.current(text)
          return
        }
        timer = window.setTimeout(tick, FRAME_INTERVAL_MS)
      }
      void tick()
    })()
    return stop
  }, [])

  return (
    <div className="scanner">
      <video ref={video} className="scanner-video" muted playsInline aria-hidden="true" />
      <p className="scanner-state" role="status" data-scanner-state={state}>
        {state === 'starting' && t('scanner.camera.starting')}
        {state === 'scanning' && t('scanner.camera.scanning')}
        {state === 'denied' && t('scanner.camera.denied')}
        {state === 'unavailable' && t('scanner.camera.unavailable')}
      </p>
    </div>
  )
}
