/** Shapes of the cached API answers (the client's normalised types), checked on read. */
import * as z from 'zod';
import type { PayoutService, Prerequest } from './service-lists.js';

const fieldRule = z.object({
  key: z.string(),
  type: z.string(),
  required: z.boolean(),
  regexp: z.string().nullable(),
  label: z.string().optional(),
});

export const prerequestSchema: z.ZodType<Prerequest> = z.object({
  currency: z.string(),
  testMode: z.boolean(),
  services: z.array(
    z.object({
      code: z.string(),
      method: z.string(),
      currency: z.string(),
      fields: z.array(fieldRule),
      amountMin: z.string(),
      amountMax: z.string(),
      exchangeRate: z.string(),
    }),
  ),
});

export const payoutServicesSchema: z.ZodType<PayoutService[]> = z.array(
  z.object({
    id: z.string(),
    service: z.string(),
    serviceMethod: z.string(),
    serviceCurrency: z.string(),
    available: z.boolean(),
    active: z.boolean(),
    enabled: z.boolean(),
    amountMin: z.string(),
    amountMax: z.string(),
    feeMin: z.string(),
    feeMax: z.string(),
    feeRate: z.string(),
    feeFix: z.string(),
    currency: z.string(),
    testMode: z.boolean(),
  }),
);
