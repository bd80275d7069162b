import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { createRequire } from 'node:module'
import { before, describe, it } from 'node:test'
import { getDocument, ImageKind, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { signHc1 } from '../codec/hc1/index.js'
import { recordKinds } from '../domain/register/register-record.js'
import type { RecordDataByKind, RecordKind } from '../domain/register/register-record.js'
import { decodeQrImage } from '../qr-image/index.js'
import { bilingualLabel, sectionKeys, titleKeys } from './labels.js'
import type { LabelKey } from './labels.js'
import {
  CertificatePdfError,
  certificateLabels,
  certificateLanguages,
  labelKeys,
  renderCertificatePdf,
} from './index.js'
import type { CertificateLanguage, CertificatePdfErrorCode, CertificatePdfInput } from './index.js'

interface RgbaImage {
  width: number
  height: number
  data: Uint8Array
}

const require = createRequire(import.meta.url)
// pngjs ships no type declarations; this is the part of its API these tests use.
const { PNG } = require('pngjs') as {
  PNG: { sync: { write(image: RgbaImage): Uint8Array } }
}

const MM = 72 / 25.4
const uvci = 'URN:UVCI:01:RU:MZ7H2Q9K4D1W6#P'
const issuedAt = new Date('2026-11-23T09:00:00Z')
const expiresAt = new Date('2027-11-23T09:00:00Z')

const details: RecordDataByKind = {
  vaccination: {
    disease: '840539006',
    vaccine: '1119349007',
    product: 'EU/1/20/1528',
    manufacturer: 'ORG-100030215',
    doseNumber: 2,
    totalDoses: 2,
    date: '2026-06-01',
    country: 'RU',
  },
  test: {
    disease: '840539006',
    testType: 'LP217198-3',
    device: '1232',
    sampledAt: '2026-11-22T10:12:00Z',
    result: '260415000',
    centre: 'Polyclinic No. 3, St. Petersburg',
    country: 'RU',
  },
  recovery: {
    disease: '840539006',
    firstPositive: '2026-10-20',
    validFrom: '2026-10-31',
    validUntil: '2027-04-18',
    country: 'RU',
  },
  antibody: {
    disease: '840539006',
    assay: 'SARS-CoV-2 IgG II Quant',
    value: 1200,
    unit: 'BAU/ml',
    threshold: 300,
    date: '2026-11-20',
    country: 'RU',
  },
}

const holders = {
  ru: {
    familyName: 'Иванова',
    givenName: 'Мария',
    familyNameIcao: 'IVANOVA',
    givenNameIcao: 'MARIIA',
    birthDate: '1985-03-14',
  },
  zh: {
    familyName: '张',
    givenName: '伟',
    familyNameIcao: 'ZHANG',
    givenNameIcao: 'WEI',
    birthDate: '1990-01-02',
  },
  en: {
    familyName: 'Smith',
    givenName: 'Jane',
    familyNameIcao: 'SMITH',
    givenNameIcao: 'JANE',
    birthDate: '1979-12-31',
  },
} as const satisfies Record<CertificateLanguage, CertificatePdfInput['holder']>

/** A real signed vaccination certificate, as the polyclinic prints it. */
function signedVaccination(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const spki = publicKey.export({ format: 'der', type: 'spki' })
  const kid = new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 8))
  const dcc = {
    ver: '1.3.0',
    nam: { fn: 'Иванова', fnt: 'IVANOVA', gn: 'Мария', gnt: 'MARIIA' },
    dob: '1985-03-14',
    v: [
      {
        tg: '840539006',
        vp: '1119349007',
        mp: 'EU/1/20/1528',
        ma: 'ORG-100030215',
        dn: 2,
        sd: 2,
        dt: '2026-06-01',
        co: 'RU',
        is: 'Ministry of Health of the Russian Federation',
        ci: uvci,
      },
    ],
  }
  return signHc1({ dcc, issuer: 'RU', issuedAt, expiresAt }, { privateKey, kid })
}

const qrText = signedVaccination()

function certificate(
  kind: RecordKind,
  language: CertificateLanguage,
  overrides: Partial<CertificatePdfInput> = {},
): CertificatePdfInput {
  return {
    qrText,
    kind,
    details: details[kind],
    language,
    holder: holders[language],
    uvci,
    issuer: { name: 'Ministry of Health of the Russian Federation', country: 'RU' },
    issuedAt,
    expiresAt,
    ...overrides,
  }
}

async function firstPage(pdf: Buffer): Promise<{ pages: number; page: PDFPageProxy }> {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise
  return { pages: document.numPages, page: await document.getPage(1) }
}

/** The page's text with all white space removed, so that wrapped lines still match. */
async function compactText(pdf: Buffer): Promise<string> {
  const { page } = await firstPage(pdf)
  const content = await page.getTextContent()
  return compact(content.items.map((item) => ('str' in item ? item.str : '')).join(''))
}

function compact(text: string): string {
  return text.replace(/\s+/g, '')
}

type Matrix = [number, number, number, number, number, number]

/** `transform` then `current`, as PDF concatenates matrices (ISO 32000-1 section 8.3.4). */
function multiply(transform: Matrix, current: Matrix): Matrix {
  const [a, b, c, d, e, f] = transform
  const [a2, b2, c2, d2, e2, f2] = current
  return [
    a * a2 + b * c2,
    a * b2 + b * d2,
    c * a2 + d * c2,
    c * b2 + d * d2,
    e * a2 + f * c2 + e2,
    e * b2 + f * d2 + f2,
  ]
}

interface PaintedImage {
  objectId: string
  /** Printed size in points: an image fills the unit square of its transformation matrix. */
  width: number
  height: number
}

/** Every image the page paints, with its printed size, by replaying the graphics state. */
async function paintedImages(page: PDFPageProxy): Promise<PaintedImage[]> {
  const { fnArray, argsArray } = await page.getOperatorList()
  const images: PaintedImage[] = []
  const stack: Matrix[] = []
  let current: Matrix = [1, 0, 0, 1, 0, 0]
  fnArray.forEach((operator, index) => {
    const args = argsArray[index] as unknown[]
    if (operator === OPS.save) stack.push(current)
    else if (operator === OPS.restore) current = stack.pop() ?? [1, 0, 0, 1, 0, 0]
    else if (operator === OPS.transform) current = multiply(args as Matrix, current)
    else if (operator === OPS.paintImageXObject) {
      const [a, b, c, d] = current
      images.push({
        objectId: args[0] as string,
        width: Math.hypot(a, b),
        height: Math.hypot(c, d),
      })
    }
  })
  return images
}

interface DecodedImage {
  width: number
  height: number
  kind: number
  data: Uint8Array | Uint8ClampedArray
}

/** The decoded pixels of an image the operator list has loaded, as RGBA. */
function imagePixels(page: PDFPageProxy, objectId: string): RgbaImage {
  const objects = objectId.startsWith('g_') ? page.commonObjs : page.objs
  const image = objects.get(objectId) as DecodedImage
  const pixels = image.width * image.height
  const rgba = new Uint8Array(pixels * 4).fill(255)
  if (image.kind === ImageKind.RGB_24BPP) {
    for (let pixel = 0; pixel < pixels; pixel++) {
      rgba.set(image.data.subarray(pixel * 3, pixel * 3 + 3), pixel * 4)
    }
  } else if (image.kind === ImageKind.RGBA_32BPP) {
    rgba.set(image.data)
  } else {
    assert.fail(`expected an RGB or RGBA image, but pdf.js gave kind ${image.kind}`)
  }
  return { width: image.width, height: image.height, data: rgba }
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: CertificatePdfErrorCode,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CertificatePdfError, `expected a CertificatePdfError: ${error}`)
    assert.equal(error.code, code)
    return true
  })
}

describe('renderCertificatePdf', () => {
  let russianVaccination: Buffer

  before(async () => {
    russianVaccination = await renderCertificatePdf(certificate('vaccination', 'ru'))
  })

  it('prints one A4 portrait page', async () => {
    const { pages, page } = await firstPage(russianVaccination)
    assert.equal(pages, 1)
    const [left = 0, bottom = 0, right = 0, top = 0] = page.view
    assert.ok(Math.abs(right - left - 595.28) < 0.01, `width ${right - left}`)
    assert.ok(Math.abs(top - bottom - 841.89) < 0.01, `height ${top - bottom}`)
  })

  it('prints every label in Russian and English, with the names, the UVCI and display names', async () => {
    const text = await compactText(russianVaccination)
    assert.equal(qrText.startsWith('HC1:') && qrText.length > 400, true, 'a realistic HC1 text')
    for (const expected of [
      'Сертификат о вакцинации',
      'Certificate of vaccination',
      'Фамилия / Surname',
      'Иванова',
      'Мария',
      'IVANOVA<<MARIIA',
      '1985-03-14',
      uvci,
      'COVID-19',
      'SARS-CoV-2 mRNA vaccine',
      'Comirnaty',
      'Biontech Manufacturing GmbH',
      '2/2',
      '2026-06-01',
      'Russian Federation',
      'Ministry of Health of the Russian Federation',
      '2026-11-23 09:00 UTC',
      '2027-11-23 09:00 UTC',
    ]) {
      assert.ok(text.includes(compact(expected)), `the page should show "${expected}"`)
    }
    const labels: LabelKey[] = [
      'sectionHolder',
      'surname',
      'givenName',
      'icaoName',
      'birthDate',
      'sectionVaccination',
      'disease',
      'vaccine',
      'product',
      'manufacturer',
      'dose',
      'vaccinationDate',
      'country',
      'sectionCertificate',
      'uvci',
      'issuer',
      'issuedAt',
      'expiresAt',
      'scanNote',
    ]
    for (const key of labels) {
      assert.ok(
        text.includes(compact(bilingualLabel('ru', key))) ||
          text.includes(compact(`${certificateLabels.ru[key]}${certificateLabels.en[key]}`)),
        `the page should show the ${key} label in Russian and English`,
      )
    }
  })

  it('prints Chinese labels and a Chinese name with real glyphs, beside English', async () => {
    const text = await compactText(await renderCertificatePdf(certificate('test', 'zh')))
    for (const expected of [
      '检测证明',
      'Test certificate',
      '姓 / Surname',
      '名 / Given name',
      '出生日期 / Date of birth',
      '检测结果 / Test result',
      '张',
      '伟',
      'ZHANG<<WEI',
      'Rapid immunoassay',
      'Not detected',
      'Polyclinic No. 3, St. Petersburg',
      '2026-11-22 10:12 UTC',
      uvci,
    ]) {
      assert.ok(text.includes(compact(expected)), `the page should show "${expected}"`)
    }
  })

  it('prints English once, and no other language, for an English-speaking holder', async () => {
    const text = await compactText(await renderCertificatePdf(certificate('recovery', 'en')))
    assert.ok(text.includes('Certificateofrecovery'))
    assert.ok(text.includes('Surname') && text.includes('Smith') && text.includes(uvci))
    assert.equal(text.split('Certificateofrecovery').length - 1, 1, 'the title is printed once')
    assert.equal(text.includes('/Surname'), false, 'no bilingual separator')
    assert.doesNotMatch(text, /[\p{Script=Cyrillic}\p{Script=Han}]/u)
  })

  it('prints the title and the section of each kind, in both languages, for every language', async () => {
    for (const kind of recordKinds) {
      for (const language of certificateLanguages) {
        const text = await compactText(await renderCertificatePdf(certificate(kind, language)))
        for (const key of [titleKeys[kind], sectionKeys[kind]]) {
          for (const label of new Set([
            certificateLabels[language][key],
            certificateLabels.en[key],
          ])) {
            assert.ok(text.includes(compact(label)), `${kind}/${language} should show "${label}"`)
          }
        }
      }
    }
  })

  it('says on an antibody certificate, in both languages, that it is not an EU DCC', async () => {
    for (const language of ['ru', 'zh'] as const) {
      const text = await compactText(await renderCertificatePdf(certificate('antibody', language)))
      assert.ok(text.includes(compact(certificateLabels[language].notEuDcc)), language)
      assert.ok(text.includes(compact('This is NOT an EU Digital COVID Certificate.')), language)
      assert.ok(text.includes(compact('1200 BAU/ml')) && text.includes(compact('300 BAU/ml')))
    }
    const vaccination = await compactText(russianVaccination)
    assert.equal(vaccination.includes(compact(certificateLabels.en.notEuDcc)), false)
  })

  it('marks a revoked certificate REVOKED across the page and at the top, with the reason, in both languages', async () => {
    const reason = 'Entered for the wrong person'
    const revoked = await renderCertificatePdf(
      certificate('vaccination', 'ru', { status: { state: 'revoked', reason } }),
    )
    assert.equal(revoked.equals(russianVaccination), false, 'the PDF differs from the clean one')
    const text = await compactText(revoked)
    assert.ok(text.includes(compact('REVOKED')), 'the stamp')
    assert.ok(text.includes(compact(certificateLabels.ru.markRevoked)), 'the notice in Russian')
    assert.ok(text.includes(compact(certificateLabels.en.markRevoked)), 'the notice in English')
    assert.ok(text.includes(compact(reason)), 'the reason')
    const clean = await compactText(russianVaccination)
    assert.equal(clean.includes(compact('REVOKED')), false, 'a valid certificate has no mark')
    assert.equal(clean.includes(compact('SUSPENDED')), false)
  })

  it('marks a suspended certificate SUSPENDED, and still fits one page with the QR code readable', async () => {
    const suspended = await renderCertificatePdf(
      certificate('antibody', 'zh', { status: { state: 'suspended' } }),
    )
    const text = await compactText(suspended)
    assert.ok(text.includes(compact('SUSPENDED')), 'the stamp')
    assert.ok(text.includes(compact(certificateLabels.zh.markSuspended)), 'the notice in Chinese')
    assert.equal(text.includes(compact('REVOKED')), false)
    assert.ok(text.includes(compact(certificateLabels.en.notEuDcc)), 'the antibody notice stays')
    const { pages, page } = await firstPage(suspended)
    assert.equal(pages, 1)
    const [image] = await paintedImages(page)
    assert.ok(image !== undefined)
    assert.equal(await decodeQrImage(PNG.sync.write(imagePixels(page, image.objectId))), qrText)
  })

  it('prints the QR code at least 35 mm wide and high', async () => {
    const { page } = await firstPage(russianVaccination)
    const [image, ...others] = await paintedImages(page)
    assert.ok(image !== undefined && others.length === 0, 'exactly one image')
    assert.ok(image.width >= 35 * MM, `width ${image.width / MM} mm`)
    assert.ok(image.height >= 35 * MM, `height ${image.height / MM} mm`)
    assert.ok(Math.abs(image.width - 60 * MM) < 0.01, `60 mm wide, not ${image.width / MM} mm`)
  })

  it('embeds the QR code with at least 300 pixels per inch of its printed width', async () => {
    const { page } = await firstPage(russianVaccination)
    const [image] = await paintedImages(page)
    assert.ok(image !== undefined)
    const pixels = imagePixels(page, image.objectId)
    assert.ok(pixels.width / (image.width / 72) >= 300, `${pixels.width} pixels`)
  })

  it('embeds a QR code that decodes to the certificate text', async () => {
    const { page } = await firstPage(russianVaccination)
    const [image] = await paintedImages(page)
    assert.ok(image !== undefined)
    const png = PNG.sync.write(imagePixels(page, image.objectId))
    assert.equal(await decodeQrImage(png), qrText)
  })

  it('falls back to error correction level M for a text too long for level Q', async () => {
    // 3,000 Base45 characters: more than version 40-Q holds (2,420), less than 40-M (3,391).
    const longText =
      `HC1:${'6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B3KL6QM5/OVGA/MAT%ZH'.repeat(40)}`.slice(
        0,
        3000,
      )
    const pdf = await renderCertificatePdf(certificate('vaccination', 'en', { qrText: longText }))
    const { page } = await firstPage(pdf)
    const [image] = await paintedImages(page)
    assert.ok(image !== undefined)
    assert.equal(await decodeQrImage(PNG.sync.write(imagePixels(page, image.objectId))), longText)
  })

  it('gives the same bytes for the same input', async () => {
    const again = await renderCertificatePdf(certificate('vaccination', 'ru'))
    assert.ok(again.equals(russianVaccination))
  })

  it('fits the longest fields the register and the DCC schema accept on one page', async () => {
    // 80 characters a field (DCC schema 1.3.0 `fn`, `gn`, `tc`, `is`; register validation),
    // in Chinese, whose characters are the widest.
    const long = '检测中心或机构'.repeat(12).slice(0, 80)
    const holder = { ...holders.zh, familyName: long, givenName: long }
    const test = { ...details.test, name: long, centre: long }
    const pdf = await renderCertificatePdf(
      certificate('test', 'zh', {
        holder,
        details: test,
        issuer: { name: long, country: 'RU' },
        uvci: `URN:UVCI:01:RU:${'X'.repeat(65)}`,
      }),
    )
    const { pages } = await firstPage(pdf)
    assert.equal(pages, 1)
  })

  it('fails with ERR_PDF_OVERFLOW for text too long for one page', async () => {
    const test = { ...details.test, centre: 'Polyclinic '.repeat(500) }
    await rejectsWith(
      renderCertificatePdf(certificate('test', 'en', { details: test })),
      'ERR_PDF_OVERFLOW',
    )
  })

  it('fails with ERR_PDF_NO_FONT for a name in a script neither font has', async () => {
    const holder = { ...holders.en, givenName: 'محمد' }
    await rejectsWith(
      renderCertificatePdf(certificate('test', 'en', { holder })),
      'ERR_PDF_NO_FONT',
    )
  })

  it('fails with ERR_PDF_DETAILS when the details are of another kind', async () => {
    await rejectsWith(
      renderCertificatePdf(certificate('test', 'ru', { details: details.vaccination })),
      'ERR_PDF_DETAILS',
    )
  })

  it('fails with ERR_PDF_QR_TEXT for an empty text or one longer than a QR code holds', async () => {
    await rejectsWith(
      renderCertificatePdf(certificate('recovery', 'en', { qrText: '' })),
      'ERR_PDF_QR_TEXT',
    )
    await rejectsWith(
      renderCertificatePdf(certificate('recovery', 'en', { qrText: `HC1:${'A'.repeat(4400)}` })),
      'ERR_PDF_QR_TEXT',
    )
  })

  it('fails with ERR_PDF_DATE for an invalid issue date', async () => {
    await rejectsWith(
      renderCertificatePdf(certificate('recovery', 'en', { issuedAt: new Date('not a date') })),
      'ERR_PDF_DATE',
    )
  })
})

describe('certificateLabels', () => {
  it('has every label, and no other, in every language', () => {
    for (const language of certificateLanguages) {
      const labels: Record<string, unknown> = certificateLabels[language]
      assert.deepEqual(Object.keys(labels).sort(), [...labelKeys].sort(), language)
      for (const key of labelKeys) {
        const label = labels[key]
        assert.ok(typeof label === 'string' && label.trim() !== '', `${language}.${key}`)
      }
    }
  })

  it('writes every Russian label in Cyrillic and every Chinese label in Chinese characters', () => {
    for (const key of labelKeys) {
      assert.match(certificateLabels.ru[key], /\p{Script=Cyrillic}/u, `ru.${key}`)
      assert.match(certificateLabels.zh[key], /\p{Script=Han}/u, `zh.${key}`)
      assert.doesNotMatch(certificateLabels.en[key], /[\p{Script=Cyrillic}\p{Script=Han}]/u)
    }
  })
})
