import type { Colour } from '../api/types'
import type { MessageKey } from '../i18n/messages'

/**
 * The ink of a QR code in each colour: dark enough that any camera's binariser still separates it
 * from white (yellow is a deep gold for that reason).
 */
export const qrInk: Readonly<Record<Colour, string>> = {
  green: '#146c32',
  yellow: '#9a7400',
  red: '#b71c1c',
}

/** The colour's name, for the banner and for screen readers. */
export const colourName: Readonly<Record<Colour, MessageKey>> = {
  green: 'colour.green',
  yellow: 'colour.yellow',
  red: 'colour.red',
}
