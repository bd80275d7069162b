// The services of people's colours, wired as src/composition/compose.ts wires them, for the domain
// tests that need some of them without composing everything; and the declarations they send.
import { ColourService } from '../../src/domain/colours/colour-service.js'
import { HealthCodeService } from '../../src/domain/colours/health-code-service.js'
import { InputProblems } from '../../src/domain/colours/input-problems.js'
import type { Clock } from '../../src/domain/clock.js'
import {
  type DeclarationInput,
  DeclarationService,
} from '../../src/domain/declarations/declaration-service.js'
import { DistrictService } from '../../src/domain/districts/district-service.js'
import type { Symptoms } from '../../src/domain/health-code/index.js'
import type { SigningKeyService } from '../../src/domain/keys/signing-key-service.js'
import type { Store } from '../../src/domain/ports.js'
import { RiskAreaService } from '../../src/domain/risk-areas/risk-area-service.js'
import { RiskAreasInForce } from '../../src/domain/risk-areas/risk-areas-in-force.js'
import { RiskRulesInForce } from '../../src/domain/risk-rules/risk-rules-in-force.js'
import { RuleSetService } from '../../src/domain/risk-rules/rule-set-service.js'

/** The colour services of one store, sharing their caches of the rules and areas in force. */
export interface ColourServices {
  readonly colours: ColourService
  readonly healthCodes: HealthCodeService
  readonly declarations: DeclarationService
  readonly riskAreas: RiskAreaService
  readonly riskRules: RuleSetService
  readonly districts: DistrictService
}

/** Builds the colour services over `store` (dynamic codes valid for `tokenMinutes`). */
export function buildColourServices(
  store: Store,
  clock: Clock,
  keys: SigningKeyService,
  tokenMinutes = 15,
): ColourServices {
  const problems = new InputProblems(store, clock)
  const rules = new RiskRulesInForce(store, clock)
  const areas = new RiskAreasInForce(store, clock, problems)
  const colours = new ColourService(store, clock, rules, areas, problems)
  return {
    colours,
    healthCodes: new HealthCodeService(store, clock, keys, tokenMinutes, colours),
    declarations: new DeclarationService(store, clock, colours),
    riskAreas: new RiskAreaService(store, clock, areas, colours),
    riskRules: new RuleSetService(store, clock, rules, colours),
    districts: new DistrictService(store, clock),
  }
}

/** No symptom at all. */
export const wellSymptoms: Symptoms = {
  fever: false,
  cough: false,
  soreThroat: false,
  shortnessOfBreath: false,
  lossOfTasteOrSmell: false,
  fatigue: false,
}
/** A declaration of nothing: no symptom, no stay, no contact. */
export const nothingDeclared: DeclarationInput = {
  symptoms: wellSymptoms,
  visits: [],
  confirmedCaseContact: false,
}
/** A declaration of a fever and nothing else. */
export const feverDeclared: DeclarationInput = {
  ...nothingDeclared,
  symptoms: { ...wellSymptoms, fever: true },
}
