import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  RuleTestCaseError,
  readRuleTestCase,
  runRuleTest,
  showValue,
} from '../../domain/validity-rules/rule-tests.js'
import { ValidityRuleError, readRuleFile } from '../../domain/validity-rules/index.js'
import type { ValidityRule } from '../../domain/validity-rules/index.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const rulesUsage = `Usage:
  healthcode rules test DIR

Runs validity rule test suites laid out as the EU publishes them (dgc-business-rules-testdata):
DIR/COUNTRY/RULE-ID/rule.json and DIR/COUNTRY/RULE-ID/tests/*.json. Each rule is read through the
checks an import through the API makes; each test case { name, payload, external, expected } must
make the rule's CertLogic give exactly "expected". A case whose external.validationClock lies
outside the rule's [ValidFrom, ValidTo) does not count. Prints a line per failing case, then
"N passed, M failed".
Exit status: 0 all passed, 1 a case failed, 2 usage error (DIR missing, no rules in it).`

/** One line of the report: a failed case, or a refused rule without cases. */
interface Failure {
  readonly where: string
  readonly text: string
}

/** `healthcode rules test DIR`. */
export async function rulesCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    io.stdout.write(rulesUsage + '\n')
    return 0
  }
  const [verb, dir, ...extra] = positionals
  if (verb !== 'test' || dir === undefined || extra.length > 0) {
    throw new UsageError('expected: healthcode rules test DIR')
  }
  if (!(await isDirectory(dir))) throw new UsageError(`${dir} is not a directory`)
  const ruleDirs = await findRuleDirs(dir)
  if (ruleDirs.length === 0) {
    throw new UsageError(`no rules in ${dir}: expected COUNTRY/RULE-ID/rule.json under it`)
  }
  let passed = 0
  let failed = 0
  let notCounted = 0
  for (const ruleDir of ruleDirs) {
    const where = ruleDir.name
    const rule = await readRule(join(dir, ruleDir.path))
    const testFiles = await listTests(join(dir, ruleDir.path, 'tests'))
    if ('refusal' in rule && testFiles.length === 0) {
      // A refused rule with no cases would otherwise pass unseen.
      report(io, { where: `${where} rule.json`, text: `refused: ${rule.refusal}` })
      failed++
      continue
    }
    for (const file of testFiles) {
      const outcome = await runTestFile(join(dir, ruleDir.path, 'tests', file), rule)
      if (outcome.kind === 'passed') passed++
      else if (outcome.kind === 'not-counted') notCounted++
      else {
        failed++
        report(io, { where: `${where} ${file}${outcome.name}`, text: outcome.text })
      }
    }
  }
  if (notCounted > 0) {
    io.stderr.write(
      `${notCounted} not counted: their validationClock lies outside their rule's validity\n`,
    )
  }
  io.stdout.write(`${passed} passed, ${failed} failed\n`)
  return failed === 0 ? 0 : 1
}

function report(io: CommandIo, failure: Failure): void {
  io.stdout.write(`${failure.where}: ${failure.text}\n`)
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** `COUNTRY/RULE-ID` directories holding a `rule.json`, in name order. */
async function findRuleDirs(dir: string): Promise<{ name: string; path: string }[]> {
  const found: { name: string; path: string }[] = []
  for (const country of await sortedDirectories(dir)) {
    for (const rule of await sortedDirectories(join(dir, country))) {
      try {
        if ((await stat(join(dir, country, rule, 'rule.json'))).isFile()) {
          found.push({ name: `${country}/${rule}`, path: join(country, rule) })
        }
      } catch {
        // not a rule directory
      }
    }
  }
  return found
}

async function sortedDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
}

async function listTests(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) return []
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort()
}

/** The rule of `rule.json`, read through `readRuleFile` as the API imports it, or why not. */
async function readRule(dir: string): Promise<{ rule: ValidityRule } | { refusal: string }> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(join(dir, 'rule.json'), 'utf8'))
  } catch (error) {
    return { refusal: `rule.json is not JSON: ${(error as Error).message}` }
  }
  try {
    const rules = readRuleFile(json)
    if (rules.length !== 1 || rules[0] === undefined) {
      return { refusal: `expected rule.json to hold one rule, found ${rules.length}` }
    }
    return { rule: rules[0] }
  } catch (error) {
    if (error instanceof ValidityRuleError) return { refusal: error.message }
    throw error
  }
}

type FileOutcome =
  { kind: 'passed' } | { kind: 'not-counted' } | { kind: 'failed'; name: string; text: string }

async function runTestFile(
  path: string,
  rule: { rule: ValidityRule } | { refusal: string },
): Promise<FileOutcome> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    return { kind: 'failed', name: '', text: `not JSON: ${(error as Error).message}` }
  }
  let test
  try {
    test = readRuleTestCase(json)
  } catch (error) {
    if (error instanceof RuleTestCaseError) {
      return { kind: 'failed', name: '', text: `not a test case: ${error.message}` }
    }
    throw error
  }
  const name = test.name === undefined ? '' : ` ${JSON.stringify(test.name)}`
  const expected = `expected ${showValue(test.expected)}`
  if ('refusal' in rule) {
    return { kind: 'failed', name, text: `${expected}, rule refused: ${rule.refusal}` }
  }
  const outcome = runRuleTest(rule.rule, test)
  if (outcome.outcome === 'passed') return { kind: 'passed' }
  if (outcome.outcome === 'not-counted') return { kind: 'not-counted' }
  const actual =
    outcome.error === undefined ? `actual ${showValue(outcome.actual)}` : `error: ${outcome.error}`
  return { kind: 'failed', name, text: `${expected}, ${actual}` }
}
