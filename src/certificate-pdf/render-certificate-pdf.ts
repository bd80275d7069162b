import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import type { QRCodeErrorCorrectionLevel } from 'qrcode'
import type { RecordDataByKind, RecordKind } from '../domain/register/register-record.js'
import { displayOf } from '../domain/register/value-sets.js'
import { CertificatePdfError } from './errors.js'
import { FontBook } from './font-book.js'
import type { StyledText } from './font-book.js'
import { bilingualLabel, certificateLabels, sectionKeys, titleKeys } from './labels.js'
import type { CertificateLanguage, LabelKey } from './labels.js'
import { QR_PRINT_WIDTH } from './print-sizes.js'
import { Typesetter } from './typesetter.js'
import type { TextStyle } from './typesetter.js'

export type { CertificateLanguage } from './labels.js'
export { QR_PRINT_WIDTH } from './print-sizes.js'

/** What a printed certificate shows. */
export interface CertificatePdfInput {
  /** The text of the QR code: the signed `HC1:` certificate. */
  readonly qrText: string
  readonly kind: RecordKind
  /** The record's fields; codes are from the EU DCC value sets. Must match `kind`. */
  readonly details: RecordDataByKind[RecordKind]
  /** The holder's language; English is always printed too. */
  readonly language: CertificateLanguage
  readonly holder: {
    familyName: string
    givenName: string
    /** ICAO 9303 transliteration, as in the DCC's `fnt`. */
    familyNameIcao: string
    givenNameIcao: string
    /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as in the DCC's `dob`. */
    birthDate: string
  }
  /** The unique certificate identifier, e.g. `URN:UVCI:01:RU:...`. */
  readonly uvci: string
  readonly issuer: { name: string; country: string }
  readonly issuedAt: Date
  readonly expiresAt: Date
  /**
   * The record's one-time claim code, printed only when the holder's clinic prints the certificate
   * for a record no account holds yet.
   */
  readonly claimCode?: string | undefined
  /**
   * The certificate's status when it is not valid: the page then carries a stamp across it and a
   * notice at the top, in the holder's language and in English, with the reason when given.
   */
  readonly status?:
    { readonly state: 'revoked' | 'suspended'; readonly reason?: string | undefined } | undefined
}

/** One millimetre in PDF points (1/72 inch). */
const MM = 72 / 25.4
/** ISO 216 A4 portrait, in points. */
const PAGE = { width: 595.28, height: 841.89 } as const
const MARGIN = 15 * MM
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN
const COLUMN_GAP = 8 * MM

/** The quiet zone around the symbol, in modules: the 4 that ISO/IEC 18004 requires. */
const QR_MARGIN = 4
/** The least image width in pixels: 300 dpi over the printed width, so printers need not scale. */
const QR_MIN_PIXELS = Math.ceil((QR_PRINT_WIDTH / 72) * 300)
/**
 * Q first, the level the HCERT specification recommends (about 25 % of the symbol recoverable);
 * M for a text too long for Q even at version 40.
 */
const QR_LEVELS: readonly QRCodeErrorCorrectionLevel[] = ['Q', 'M']

const colours = { text: '#111111', muted: '#555555', accent: '#1f3a5f', warning: '#a11d1d' }

const styles = {
  title: { size: 19, lineHeight: 25, weight: 700, color: colours.accent },
  subtitle: { size: 13, lineHeight: 18, weight: 400, color: colours.accent },
  notice: { size: 10.5, lineHeight: 14.5, weight: 700, color: colours.warning },
  heading: { size: 10.5, lineHeight: 15, weight: 700, color: colours.accent },
  label: { size: 8, lineHeight: 10.5, weight: 400, color: colours.muted },
  value: { size: 11, lineHeight: 14.5, weight: 700, color: colours.text },
  note: { size: 8, lineHeight: 10.5, weight: 400, color: colours.muted },
  stamp: { size: 64, lineHeight: 72, weight: 700, color: colours.warning },
} as const satisfies Record<string, TextStyle>

/** One labelled value. A wide field takes the whole width of the page. */
interface Field {
  readonly label: string
  readonly value: string
  readonly wide?: boolean
}

interface Section {
  readonly heading: string
  readonly fields: readonly Field[]
}

/** Everything printed, as text, before any of it is laid out. */
interface CertificateContent {
  /** In the holder's language, then in English (once if that is the holder's language). */
  readonly titles: readonly string[]
  /**
   * That a revoked or suspended certificate must not be accepted, and for an antibody
   * certificate that it is not an EU DCC, in the same languages.
   */
  readonly notices: readonly string[]
  /** The word stamped across a revoked or suspended certificate, in English. */
  readonly stamp?: string | undefined
  readonly holder: Section
  readonly details: Section
  readonly certificate: Section
  /** How to check the certificate, in the same languages. */
  readonly scanNotes: readonly string[]
}

/**
 * Renders a printable certificate: one A4 page with the QR code 60 mm wide, and every label in
 * the holder's language and in English.
 *
 * Fonts are Noto Sans and Noto Sans SC from the installed Fontsource packages, chosen per
 * character; only the glyphs used are embedded. The same input gives the same bytes: the PDF's
 * creation date is `issuedAt`.
 *
 * @throws {CertificatePdfError} `ERR_PDF_DETAILS` when `details` lacks a field its `kind` needs,
 *   `ERR_PDF_DATE` when `issuedAt` or `expiresAt` is an invalid date, `ERR_PDF_NO_FONT` when a
 *   character is in neither font (Arabic script, for example), `ERR_PDF_QR_TEXT` when `qrText`
 *   is empty or too long for a QR code, `ERR_PDF_OVERFLOW` when the text does not fit on one
 *   page (far beyond the register's 80 characters a field). A plain `Error` when the font
 *   packages are missing, which is a broken installation rather than bad input.
 *
 * @example
 * ```ts
 * const pdf = await renderCertificatePdf({
 *   qrText, kind: 'vaccination', details: record.data, language: 'ru', holder, uvci,
 *   issuer: { name: 'Ministry of Health', country: 'RU' }, issuedAt, expiresAt,
 * })
 * await writeFile('certificate.pdf', pdf)
 * ```
 */
export async function renderCertificatePdf(input: CertificatePdfInput): Promise<Buffer> {
  const content = composeCertificate(input)
  const [fonts, qrPng] = await Promise.all([
    FontBook.load(styledTexts(content)),
    renderQrPng(input.qrText),
  ])
  return drawCertificate(input, content, fonts, qrPng)
}

function composeCertificate(input: CertificatePdfInput): CertificateContent {
  const { language, holder, issuer } = input
  const inBoth = (key: LabelKey): string[] =>
    language === 'en'
      ? [certificateLabels.en[key]]
      : [certificateLabels[language][key], certificateLabels.en[key]]
  const field = (key: LabelKey, value: string, wide = false): Field => ({
    label: bilingualLabel(language, key),
    value: printable(value),
    wide,
  })
  const section = (key: LabelKey, fields: Field[]): Section => ({
    heading: bilingualLabel(language, key),
    fields,
  })
  const icaoName = [holder.familyNameIcao, holder.givenNameIcao].filter((name) => name !== '')
  const status = input.status
  const marks =
    status === undefined
      ? []
      : [
          ...inBoth(status.state === 'revoked' ? 'markRevoked' : 'markSuspended'),
          ...(status.reason === undefined || status.reason.trim() === ''
            ? []
            : [`${bilingualLabel(language, 'markReason')}: ${printable(status.reason)}`]),
        ]

  return {
    titles: inBoth(titleKeys[input.kind]),
    notices: [...marks, ...(input.kind === 'antibody' ? inBoth('notEuDcc') : [])],
    stamp:
      status === undefined
        ? undefined
        : certificateLabels.en[status.state === 'revoked' ? 'stampRevoked' : 'stampSuspended'],
    holder: section('sectionHolder', [
      field('surname', holder.familyName),
      field('givenName', holder.givenName),
      // Surname and given names apart as in a passport's machine-readable zone (ICAO Doc 9303).
      field('icaoName', icaoName.join('<<')),
      field('birthDate', holder.birthDate),
    ]),
    details: section(
      sectionKeys[input.kind],
      detailFields(input).map(([key, value]) => field(key, value)),
    ),
    certificate: section('sectionCertificate', [
      field('uvci', input.uvci, true),
      field(
        'issuer',
        issuer.country === '' ? issuer.name : `${issuer.name} (${issuer.country})`,
        true,
      ),
      field('issuedAt', formatTimestamp(input.issuedAt, 'issuedAt')),
      field('expiresAt', formatTimestamp(input.expiresAt, 'expiresAt')),
      ...(input.claimCode === undefined ? [] : [field('claimCode', input.claimCode, true)]),
    ]),
    scanNotes: inBoth('scanNote'),
  }
}

/** The record's own fields, labelled, with value-set codes given their display names. */
function detailFields(input: CertificatePdfInput): [LabelKey, string][] {
  switch (input.kind) {
    case 'vaccination': {
      const data = detailsOf('vaccination', input.details)
      return [
        ['disease', displayOf('disease', data.disease)],
        ['vaccine', displayOf('vaccineProphylaxis', data.vaccine)],
        ['product', displayOf('vaccineProduct', data.product)],
        ['manufacturer', displayOf('vaccineManufacturer', data.manufacturer)],
        ['dose', `${data.doseNumber}/${data.totalDoses}`],
        ['vaccinationDate', data.date],
        ['country', displayOf('country', data.country)],
      ]
    }
    case 'test': {
      const data = detailsOf('test', input.details)
      const device = data.device === undefined ? undefined : displayOf('testDevice', data.device)
      return [
        ['disease', displayOf('disease', data.disease)],
        ['testType', displayOf('testType', data.testType)],
        ...optional('testName', data.name),
        ...optional('testDevice', device),
        ['sampledAt', formatDateTime(data.sampledAt)],
        ['testResult', displayOf('testResult', data.result)],
        ['testCentre', data.centre],
        ['country', displayOf('country', data.country)],
      ]
    }
    case 'recovery': {
      const data = detailsOf('recovery', input.details)
      return [
        ['disease', displayOf('disease', data.disease)],
        ['firstPositive', data.firstPositive],
        ['validFrom', data.validFrom],
        ['validUntil', data.validUntil],
        ['country', displayOf('country', data.country)],
      ]
    }
    case 'antibody': {
      const data = detailsOf('antibody', input.details)
      return [
        ['disease', displayOf('disease', data.disease)],
        ['assay', data.assay],
        ['antibodyLevel', `${data.value} ${data.unit}`],
        ['threshold', `${data.threshold} ${data.unit}`],
        ['antibodyTestDate', data.date],
        ['country', displayOf('country', data.country)],
      ]
    }
  }
}

/** A field that the record may leave out: none when it does. */
function optional(key: LabelKey, value: string | undefined): [LabelKey, string][] {
  return value === undefined ? [] : [[key, value]]
}

/** The fields each kind of record must have, and their types. */
const requiredDetails = {
  vaccination: {
    disease: 'string',
    vaccine: 'string',
    product: 'string',
    manufacturer: 'string',
    doseNumber: 'number',
    totalDoses: 'number',
    date: 'string',
    country: 'string',
  },
  test: {
    disease: 'string',
    testType: 'string',
    sampledAt: 'string',
    result: 'string',
    centre: 'string',
    country: 'string',
  },
  recovery: {
    disease: 'string',
    firstPositive: 'string',
    validFrom: 'string',
    validUntil: 'string',
    country: 'string',
  },
  antibody: {
    disease: 'string',
    assay: 'string',
    value: 'number',
    unit: 'string',
    threshold: 'number',
    date: 'string',
    country: 'string',
  },
} as const satisfies {
  [K in RecordKind]: Partial<Record<keyof RecordDataByKind[K], 'string' | 'number'>>
}

/**
 * The details as the kind's data, once checked: `kind` and `details` are separate fields, so
 * nothing but this check ties a test certificate to test data.
 */
function detailsOf<K extends RecordKind>(
  kind: K,
  details: RecordDataByKind[RecordKind],
): RecordDataByKind[K] {
  for (const [name, type] of Object.entries(requiredDetails[kind])) {
    const found = (details as unknown as Record<string, unknown>)[name]
    if (typeof found !== type) {
      throw new CertificatePdfError(
        'ERR_PDF_DETAILS',
        `expected ${kind} details to have ${name} as a ${type}, but it is ${found === undefined ? 'missing' : typeof found}`,
      )
    }
  }
  return details as RecordDataByKind[K]
}

/** Text as printed: composed (NFC), so that no accent is split from its letter across fonts. */
function printable(value: string): string {
  const text = value.normalize('NFC').replace(/\s+/g, ' ').trim()
  return text === '' ? '\u2014' : text
}

/** An instant as `YYYY-MM-DD HH:MM UTC`: one form every reader of the certificate can read. */
function formatTimestamp(date: Date, name: string): string {
  if (Number.isNaN(date.getTime())) {
    throw new CertificatePdfError(
      'ERR_PDF_DATE',
      `expected ${name} to be a valid date, but it is not`,
    )
  }
  const iso = date.toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** An ISO 8601 date-time from a record, in UTC; as written when it does not parse. */
function formatDateTime(value: string): string {
  const date = new Date(value)
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(date.getTime())
    ? formatTimestamp(date, 'the date')
    : value
}

/** Every text of the certificate in the weight it is printed in, for loading fonts up front. */
function styledTexts(content: CertificateContent): StyledText[] {
  const texts: StyledText[] = [
    ...content.titles.map((text, index) => ({
      text,
      weight: (index === 0 ? styles.title : styles.subtitle).weight,
    })),
    ...content.notices.map((text) => ({ text, weight: styles.notice.weight })),
    ...(content.stamp === undefined ? [] : [{ text: content.stamp, weight: styles.stamp.weight }]),
    ...content.scanNotes.map((text) => ({ text, weight: styles.note.weight })),
  ]
  for (const section of [content.holder, content.details, content.certificate]) {
    texts.push({ text: section.heading, weight: styles.heading.weight })
    for (const field of section.fields) {
      texts.push({ text: field.label, weight: styles.label.weight })
      texts.push({ text: field.value, weight: styles.value.weight })
    }
  }
  return texts
}

/**
 * Passed through qrcode to pngjs, which its typings do not show: an 8-bit greyscale PNG without
 * alpha, which PDFKit embeds as it is, where an RGBA one it would inflate and split into colour
 * and soft mask on every certificate. Row filter "up" (2) suits rows that repeat.
 */
const pngOptions = { deflateLevel: 6, colorType: 0, filterType: 2 }

/**
 * The QR code as a PNG with a whole number of pixels per module, so that every module prints
 * the same size.
 */
async function renderQrPng(text: string): Promise<Buffer> {
  if (text === '') {
    throw new CertificatePdfError(
      'ERR_PDF_QR_TEXT',
      'expected the text of the QR code, but it is empty',
    )
  }
  for (const errorCorrectionLevel of QR_LEVELS) {
    let symbol: QRCode.QRCode
    try {
      symbol = QRCode.create(text, { errorCorrectionLevel })
    } catch {
      continue
    }
    const modules = symbol.modules.size + 2 * QR_MARGIN
    return QRCode.toBuffer(text, {
      type: 'png',
      errorCorrectionLevel,
      // The symbol just chosen; the second encoding need not try the eight masks again.
      version: symbol.version,
      maskPattern: symbol.maskPattern,
      margin: QR_MARGIN,
      scale: Math.ceil(QR_MIN_PIXELS / modules),
      rendererOpts: pngOptions,
    })
  }
  throw new CertificatePdfError(
    'ERR_PDF_QR_TEXT',
    `expected a text that fits a QR code at error correction level M (ISO/IEC 18004), but it has ${text.length} characters`,
  )
}

function drawCertificate(
  input: CertificatePdfInput,
  content: CertificateContent,
  fonts: FontBook,
  qrPng: Buffer,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: 0,
    lang: { en: 'en', ru: 'ru', zh: 'zh-Hans' }[input.language],
    info: {
      // No personal data in the metadata, which file managers and mail previews show.
      Title: certificateLabels.en[titleKeys[input.kind]],
      Author: input.issuer.name,
      Creator: 'Healthcode',
      CreationDate: input.issuedAt,
    },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })

  const type = new Typesetter(doc, fonts)
  let y = MARGIN
  const [title, ...subtitles] = content.titles
  if (title !== undefined) y = type.paragraph(title, MARGIN, y, CONTENT_WIDTH, styles.title)
  for (const subtitle of subtitles) {
    y = type.paragraph(subtitle, MARGIN, y, CONTENT_WIDTH, styles.subtitle)
  }
  y += 3 * MM

  if (content.notices.length > 0) {
    const padding = 3 * MM
    const inner = CONTENT_WIDTH - 2 * padding
    const height =
      content.notices.reduce(
        (sum, notice) => sum + type.wrap(notice, styles.notice, inner).length,
        0,
      ) *
        styles.notice.lineHeight +
      2 * padding
    doc.save().lineWidth(1.5).strokeColor(colours.warning).rect(MARGIN, y, CONTENT_WIDTH, height)
    doc.stroke().restore()
    let noticeY = y + padding
    for (const notice of content.notices) {
      noticeY = type.paragraph(notice, MARGIN + padding, noticeY, inner, styles.notice)
    }
    y += height + 4 * MM
  }

  // The QR code at the top right, the holder beside it.
  const qrLeft = PAGE.width - MARGIN - QR_PRINT_WIDTH
  doc.image(qrPng, qrLeft, y, { width: QR_PRINT_WIDTH, height: QR_PRINT_WIDTH })
  let qrBottom = y + QR_PRINT_WIDTH + 1 * MM
  for (const note of content.scanNotes) {
    qrBottom = type.paragraph(note, qrLeft, qrBottom, QR_PRINT_WIDTH, styles.note, 'center')
  }
  const holderWidth = CONTENT_WIDTH - QR_PRINT_WIDTH - COLUMN_GAP
  const holderBottom = drawSection(doc, type, content.holder, y, holderWidth, 1)
  y = Math.max(qrBottom, holderBottom) + 4 * MM

  y = drawSection(doc, type, content.details, y, CONTENT_WIDTH, 2) + 3 * MM
  y = drawSection(doc, type, content.certificate, y, CONTENT_WIDTH, 2)
  if (y > PAGE.height - MARGIN) {
    throw new CertificatePdfError(
      'ERR_PDF_OVERFLOW',
      `expected the certificate to fit on one page, but it runs ${Math.ceil((y - PAGE.height + MARGIN) / MM)} mm into the bottom margin`,
    )
  }
  if (content.stamp !== undefined) {
    // Across the page and over the QR code, half transparent so that the fields stay legible:
    // a cut-out or photocopied part of the page still shows it.
    doc
      .save()
      .opacity(0.35)
      .rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] })
    type.paragraph(
      content.stamp,
      0,
      PAGE.height / 2 - styles.stamp.lineHeight / 2,
      PAGE.width,
      styles.stamp,
      'center',
    )
    doc.restore()
  }

  doc.end()
  return finished
}

/**
 * Draws a heading with a rule under it and the fields in rows of `columns`; a wide field takes a
 * row of its own. Returns the y below the last row.
 */
function drawSection(
  doc: PDFKit.PDFDocument,
  type: Typesetter,
  section: Section,
  top: number,
  width: number,
  columns: number,
): number {
  let y = type.paragraph(section.heading, MARGIN, top, width, styles.heading)
  doc
    .save()
    .lineWidth(0.6)
    .strokeColor(colours.accent)
    .moveTo(MARGIN, y + 1)
    .lineTo(MARGIN + width, y + 1)
    .stroke()
    .restore()
  y += 2 * MM

  const columnWidth = (width - (columns - 1) * COLUMN_GAP) / columns
  let row: Field[] = []
  const flush = (): void => {
    const cellWidth = (field: Field): number => (field.wide === true ? width : columnWidth)
    // The values of a row start on one line, however many lines each label takes.
    const labelHeight = Math.max(
      ...row.map(
        (field) =>
          type.wrap(field.label, styles.label, cellWidth(field)).length * styles.label.lineHeight,
      ),
    )
    let bottom = y
    row.forEach((field, index) => {
      const x = MARGIN + index * (columnWidth + COLUMN_GAP)
      type.paragraph(field.label, x, y, cellWidth(field), styles.label)
      const valueBottom = type.paragraph(
        field.value,
        x,
        y + labelHeight,
        cellWidth(field),
        styles.value,
      )
      bottom = Math.max(bottom, valueBottom)
    })
    y = bottom + 2 * MM
    row = []
  }
  for (const field of section.fields) {
    if (field.wide === true) {
      if (row.length > 0) flush()
      row = [field]
      flush()
    } else {
      row.push(field)
      if (row.length === columns) flush()
    }
  }
  if (row.length > 0) flush()
  return y - 2 * MM
}
