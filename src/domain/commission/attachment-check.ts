import { createHash } from 'node:crypto'
import { DomainError } from '../errors.js'
import type { AttachmentInfo } from './commission-request.js'

/** Limits on the files a request carries. */
export interface AttachmentLimits {
  /** Largest file, default 5 MiB. */
  readonly maxBytes: number
  /** Most files per request, default 5. */
  readonly maxCount: number
}

export const defaultAttachmentLimits: AttachmentLimits = { maxBytes: 5 * 1024 * 1024, maxCount: 5 }

/** A file as uploaded: its declared name and type, and its bytes. */
export interface UploadedFile {
  readonly fileName: string
  readonly mediaType: string
  readonly content: Uint8Array
}

/** A file that passed the checks. */
export interface CheckedFile {
  readonly fileName: string
  readonly mediaType: AttachmentInfo['mediaType']
  readonly content: Uint8Array
  readonly size: number
  readonly sha256: string
}

const startsWith = (bytes: Uint8Array, signature: readonly number[]) =>
  signature.every((byte, i) => bytes[i] === byte)

/** The type the bytes themselves show (magic numbers), whatever the upload declared. */
export function sniffMediaType(bytes: Uint8Array): AttachmentInfo['mediaType'] | undefined {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf' // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  return undefined
}

/**
 * Bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), zero-width
 * spaces, line and paragraph separators and the byte-order mark: they make `invoice<U+202E>fdp.exe`
 * read as `invoiceexe.pdf` to the commission member who opens it.
 */
const INVISIBLE_CONTROLS = /[\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g

/**
 * A file name as it is stored and shown: without bidirectional controls and other invisible
 * characters (see {@link INVISIBLE_CONTROLS}), trimmed. Also applied to names stored before.
 */
export function displaySafeFileName(name: string): string {
  return name.replace(INVISIBLE_CONTROLS, '').trim()
}

/**
 * Checks uploaded evidence files: how many, their size, that each is a PDF, PNG or JPEG by its
 * bytes and as declared, and a file name without paths or control characters (bidirectional
 * and other invisible controls are removed from it).
 *
 * @throws {DomainError} `ERR_ATTACHMENT` naming the file (`attachments[i]`).
 */
export function checkAttachments(
  files: readonly UploadedFile[],
  limits: AttachmentLimits,
): CheckedFile[] {
  if (files.length > limits.maxCount) {
    throw new DomainError(
      'ERR_ATTACHMENT',
      `expected at most ${limits.maxCount} attachments, but found ${files.length}`,
      'attachments',
    )
  }
  return files.map((file, i) => {
    const field = `attachments[${i}]`
    const size = file.content.length
    if (size === 0) throw new DomainError('ERR_ATTACHMENT', `${field} is empty`, field)
    if (size > limits.maxBytes) {
      throw new DomainError(
        'ERR_ATTACHMENT',
        `${field} has ${size} bytes; the limit is ${limits.maxBytes}`,
        field,
      )
    }
    const sniffed = sniffMediaType(file.content)
    if (!sniffed) {
      throw new DomainError(
        'ERR_ATTACHMENT',
        `${field} is not a PDF, PNG or JPEG file (by its content)`,
        field,
      )
    }
    const declared = file.mediaType.toLowerCase().split(';')[0]?.trim()
    if (declared !== sniffed && !(declared === 'image/jpg' && sniffed === 'image/jpeg')) {
      throw new DomainError(
        'ERR_ATTACHMENT',
        `${field} is declared ${file.mediaType} but its content is ${sniffed}`,
        field,
      )
    }
    const fileName = displaySafeFileName(file.fileName.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex
    if (fileName === '' || fileName.length > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(fileName)) {
      throw new DomainError(
        'ERR_ATTACHMENT',
        `${field} needs a file name of 1–200 printable characters`,
        field,
      )
    }
    return {
      fileName,
      mediaType: sniffed,
      content: file.content,
      size,
      sha256: createHash('sha256').update(file.content).digest('hex'),
    }
  })
}
