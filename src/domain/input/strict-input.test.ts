import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkDate,
  checkFreeForm,
  checkOrdered,
  checkText,
  checkTime,
  isCalendarDate,
  readMoment,
} from './strict-input.js'

const now = new Date('2026-11-23T09:00:00Z')

describe('isCalendarDate', () => {
  it('takes real days, leap days of leap years, and partial dates only when asked', () => {
    assert.equal(isCalendarDate('2024-02-29'), true)
    assert.equal(isCalendarDate('2000-02-29'), true)
    assert.equal(isCalendarDate('2024-02-30'), false)
    assert.equal(isCalendarDate('2023-02-29'), false)
    assert.equal(isCalendarDate('1900-02-29'), false)
    assert.equal(isCalendarDate('2026-00-10'), false)
    assert.equal(isCalendarDate('2026-04-31'), false)
    assert.equal(isCalendarDate('0099-01-01'), true)
    assert.equal(isCalendarDate('2026-11'), false)
    assert.equal(isCalendarDate('2026-11', true), true)
    assert.equal(isCalendarDate('2026-13', true), false)
  })
})

describe('checkDate', () => {
  it('bounds birth dates to 1900-01-01 … today, partial ones by any of their days', () => {
    assert.equal(checkDate('1900-01-01', 'birth', now), undefined)
    assert.equal(checkDate('2026-11-23', 'birth', now), undefined)
    assert.equal(checkDate('2026', 'birth', now), undefined)
    assert.match(checkDate('1899-12-31', 'birth', now) ?? '', /from 1900-01-01 to 2026-11-23/)
    assert.match(checkDate('2026-11-24', 'birth', now) ?? '', /birth date/)
    assert.match(checkDate('2027', 'birth', now) ?? '', /birth date/)
  })

  it('bounds events to 2019-12-01 … today and planned dates to ten years ahead', () => {
    assert.equal(checkDate('2019-12-01', 'event', now), undefined)
    assert.match(checkDate('2019-11-30', 'event', now) ?? '', /event date/)
    assert.match(checkDate('2026-11-24', 'event', now) ?? '', /event date/)
    assert.equal(checkDate('2036-11-23', 'planned', now), undefined)
    assert.match(checkDate('2036-11-24', 'planned', now) ?? '', /planned date/)
    assert.match(checkDate('9999-12-31', 'planned', now) ?? '', /planned date/)
  })

  it('names what it found when the text is not a date', () => {
    assert.match(checkDate('2024-02-30', 'event', now) ?? '', /real calendar date.*"2024-02-30"/)
    assert.match(checkDate(20240101, 'event', now) ?? '', /found 20240101/)
    assert.match(checkDate(undefined, 'event', now) ?? '', /found nothing/)
  })
})

describe('checkTime', () => {
  it('takes ISO 8601 date-times with a zone on real days, up to a few minutes ahead for events', () => {
    assert.equal(checkTime('2026-11-23T09:04:00Z', 'event', now), undefined)
    assert.equal(checkTime('2026-11-23T12:00:00+03:00', 'event', now), undefined)
    assert.match(checkTime('2026-11-23T09:06:00Z', 'event', now) ?? '', /to now/)
    assert.equal(checkTime('2030-01-01T00:00:00.123Z', 'any', now), undefined)
    assert.match(checkTime('2026-11-23T09:00:00', 'any', now) ?? '', /with a zone/)
    assert.match(checkTime('2026-02-30T09:00:00Z', 'any', now) ?? '', /with a zone/)
    assert.match(checkTime('2026-11-23T24:00:00Z', 'any', now) ?? '', /with a zone/)
    assert.match(checkTime('9999-01-01T00:00:00Z', 'any', now) ?? '', /from 2019-12-01/)
  })
})

describe('readMoment', () => {
  it('reads a day as its midnight UTC and refuses impossible ones', () => {
    assert.deepEqual(readMoment('2021-06-01', now), new Date('2021-06-01T00:00:00Z'))
    assert.deepEqual(readMoment('2021-06-01T12:00:00Z', now), new Date('2021-06-01T12:00:00Z'))
    assert.equal(typeof readMoment('2021-02-30', now), 'string')
    assert.equal(typeof readMoment('yesterday', now), 'string')
  })
})

describe('checkOrdered', () => {
  it('takes a range that ends on or after its start', () => {
    assert.equal(checkOrdered('2026-11-01', '2026-11-01'), undefined)
    assert.match(checkOrdered('2026-11-02', '2026-11-01') ?? '', /on or after 2026-11-02/)
  })
})

describe('checkText', () => {
  it('refuses C0, DEL and C1 control characters, naming the code point', () => {
    assert.equal(checkText('Иван Петров', 'line'), undefined)
    assert.match(checkText('a\u0000b', 'line') ?? '', /U\+0000 at 1/)
    assert.match(checkText('a\u007fb', 'line') ?? '', /U\+007F/)
    assert.match(checkText('a\u0085b', 'multiline') ?? '', /U\+0085/)
    assert.match(checkText('a\nb', 'line') ?? '', /U\+000A/)
  })

  it('keeps tab and line breaks in multi-line text', () => {
    assert.equal(checkText('one\r\ntwo\tthree', 'multiline'), undefined)
  })

  it('refuses bidirectional formatting in identifiers only', () => {
    assert.equal(checkText('abc\u202edef', 'line'), undefined)
    assert.match(checkText('abc\u202edef', 'identifier') ?? '', /bidirectional.*U\+202E/)
    assert.match(checkText('abc\u2066', 'identifier') ?? '', /U\+2066/)
  })

  it('refuses lone surrogates, which would be stored as another text', () => {
    assert.match(checkText('a\ud800b', 'line') ?? '', /lone surrogate/)
    assert.equal(checkText('a😀b', 'line'), undefined)
  })
})

describe('checkFreeForm', () => {
  it('checks every key and string, and names the path', () => {
    assert.equal(checkFreeForm({ a: [{ b: 'fine\ntext' }] }), undefined)
    assert.deepEqual(checkFreeForm({ a: [{ b: 'x\u0000' }] })?.path, '/a/0/b')
    assert.match(checkFreeForm({ 'k\u0001': 1 })?.problem ?? '', /a key/)
  })

  it('refuses prototype keys and deep nesting', () => {
    assert.match(checkFreeForm(JSON.parse('{"__proto__":{"x":1}}'))?.problem ?? '', /__proto__/)
    assert.match(checkFreeForm({ constructor: 1 })?.problem ?? '', /constructor/)
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    assert.match(checkFreeForm(deep)?.problem ?? '', /levels of nesting/)
  })
})
