/** The services the sandbox account offers, with O(1) look-ups by id, code and invoice currency. */
import { buildServiceSpecs, type ServiceSpec } from './catalogue-data.js';
import { compileRule, type FieldDef } from './catalogue-fields.js';
import { Decimal, currencyDigits } from './decimal.js';
import { stableId } from './prng.js';

export interface Service {
  /** `comcpos_` + 16 characters, stable across runs. */
  id: string;
  spec: ServiceSpec;
  amountMin: Decimal;
  amountMax: Decimal;
  feeMin: Decimal;
  feeMax: Decimal;
  feeRate: Decimal;
  feeFix: Decimal;
  digits: number;
  fieldsByKey: Map<string, { def: FieldDef; pattern: RegExp }>;
}

/** A service offered for an invoice currency, with the rate invoice -> service currency. */
export interface Offer {
  service: Service;
  rate: Decimal;
}

function toService(spec: ServiceSpec): Service {
  return {
    id: stableId('comcpos_', `payout-service:${spec.code}`),
    spec,
    amountMin: Decimal.of(spec.amountMin),
    amountMax: Decimal.of(spec.amountMax),
    feeMin: Decimal.of(spec.feeMin),
    feeMax: Decimal.of(spec.feeMax),
    feeRate: Decimal.of(spec.feeRate),
    feeFix: Decimal.of(spec.feeFix),
    digits: currencyDigits(spec.currency) ?? 2,
    fieldsByKey: new Map(spec.fields.map((def) => [def.key, { def, pattern: compileRule(def.regexp) }])),
  };
}

export class Catalogue {
  /** In page order. */
  readonly services: readonly Service[];
  private readonly byId = new Map<string, Service>();
  private readonly byCode = new Map<string, Service>();
  private readonly byCurrency = new Map<string, Offer[]>();

  constructor(specs: ServiceSpec[] = buildServiceSpecs()) {
    this.services = specs.map(toService);
    const one = Decimal.of('1');
    for (const service of this.services) {
      if (this.byId.has(service.id)) throw new Error(`duplicate service id ${service.id}`);
      this.byId.set(service.id, service);
      this.byCode.set(service.spec.code, service);
      this.addOffer(service.spec.currency, { service, rate: one });
      for (const [currency, rate] of Object.entries(service.spec.crossRates ?? {})) {
        this.addOffer(currency, { service, rate: Decimal.of(rate) });
      }
    }
  }

  private addOffer(currency: string, offer: Offer): void {
    const list = this.byCurrency.get(currency);
    if (list) list.push(offer);
    else this.byCurrency.set(currency, [offer]);
  }

  byServiceId(id: string): Service | undefined {
    return this.byId.get(id);
  }

  byServiceCode(code: string): Service | undefined {
    return this.byCode.get(code);
  }

  /** Every service offered for invoices in `currency` (disabled and unavailable ones too). */
  offersFor(currency: string): readonly Offer[] {
    return this.byCurrency.get(currency) ?? [];
  }

  offer(currency: string, code: string): Offer | undefined {
    return this.offersFor(currency).find((o) => o.service.spec.code === code);
  }
}

/** Whether `amount` (invoice currency) converted at `rate` lies within the service's limits. */
export function withinLimits(offer: Offer, amount: Decimal): boolean {
  const converted = amount.mul(offer.rate);
  return converted.compare(offer.service.amountMin) >= 0 && converted.compare(offer.service.amountMax) <= 0;
}
