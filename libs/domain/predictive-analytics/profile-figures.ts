/**
 * Per-profile CLV figures from fitted BG/NBD and Gamma-Gamma models, like Klaviyo's predictive analytics.
 *
 * - The models must have been fitted on summaries in days (./customer-summary.ts), since the horizon is in days.
 * - Predicted CLV = expected purchases in the horizon (BG/NBD, eq. 10) × expected value per purchase (Gamma-Gamma),
 *   undiscounted: money a year from now counts the same as money today. "Purchases" are purchase occasions (days
 *   with orders, see customer-summary.ts), so predictedOrderCount is too.
 * - Expected value per purchase: the Gamma-Gamma conditional expectation for customers with repeat purchases; for the
 *   rest the population mean pγ/(q−1); if that does not exist (q ≤ 1), the customer's historic average order value.
 * - Expected date of next order: now + horizon / (expected purchases in the horizon), i.e. the mean gap between
 *   purchases the model expects over the next year. Null when fewer than `minExpectedPurchasesForNextOrder` (default 1)
 *   purchases are expected, because the date would then lie beyond the horizon the prediction covers.
 */

import { bgNbdConditionalExpectedPurchases, bgNbdProbabilityAlive, fitBgNbd, type BgNbdFit, type BgNbdFitOptions, type BgNbdParameters } from './bg-nbd.js';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaPopulationMeanValue,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type GammaGammaParameters,
} from './gamma-gamma.js';
import { MS_PER_DAY, parseInstant, toInstant, type CustomerSummary } from './customer-summary.js';

export const DEFAULT_PREDICTION_HORIZON_DAYS = 365;
export const DEFAULT_MIN_EXPECTED_PURCHASES_FOR_NEXT_ORDER = 1;

export interface CustomerModels {
  /** Fitted on summaries in days. */
  bgNbd: BgNbdParameters;
  gammaGamma: GammaGammaParameters;
}

export interface ProfilePredictionOptions {
  horizonDays?: number;
  minExpectedPurchasesForNextOrder?: number;
}

export interface ProfileFigures {
  profileId: string;
  /** Sum of the values of the orders so far. */
  historicClv: number;
  /** Expected spend in the next horizonDays (undiscounted). */
  predictedClv: number;
  /** historicClv + predictedClv. */
  totalClv: number;
  historicOrderCount: number;
  /** Expected purchases in the next horizonDays. */
  predictedOrderCount: number;
  /** Historic: totalValue / orderCount. */
  averageOrderValue: number;
  /** The model's expected value of a future purchase (see the file comment). */
  expectedOrderValue: number;
  /** (last order − first order) / (orders − 1), in days; null with fewer than two orders. */
  averageDaysBetweenOrders: number | null;
  /** 1 − P(alive). */
  churnProbability: number;
  /** ISO 8601 instant, or null (see the file comment). */
  expectedNextOrderAt: string | null;
}

export interface CustomerModelFits {
  bgNbd: BgNbdFit;
  gammaGamma: GammaGammaFit;
}

/** Fits both models on the customer summaries (Gamma-Gamma on those with repeat purchases of positive value). */
export function fitCustomerModels(
  summaries: readonly CustomerSummary[],
  options: { bgNbd?: BgNbdFitOptions; gammaGamma?: GammaGammaFitOptions } = {},
): CustomerModelFits {
  return { bgNbd: fitBgNbd(summaries, options.bgNbd), gammaGamma: fitGammaGamma(summaries, options.gammaGamma) };
}

/** The figures for one profile; `now` must be the one its summary was computed with. */
export function predictProfileFigures(
  summary: CustomerSummary,
  models: CustomerModels,
  now: Date | string,
  options: ProfilePredictionOptions = {},
): ProfileFigures {
  const { horizonDays = DEFAULT_PREDICTION_HORIZON_DAYS, minExpectedPurchasesForNextOrder = DEFAULT_MIN_EXPECTED_PURCHASES_FOR_NEXT_ORDER } = options;
  if (!(horizonDays > 0) || !Number.isFinite(horizonDays)) throw new RangeError(`horizonDays must be finite and positive, got ${horizonDays}`);
  if (!(minExpectedPurchasesForNextOrder > 0)) throw new RangeError('minExpectedPurchasesForNextOrder must be positive');
  if (summary.orderCount < 1) throw new RangeError(`profile ${summary.profileId} has no orders`);
  const nowMs = toInstant(now);

  const averageOrderValue = summary.totalValue / summary.orderCount;
  const predictedOrderCount = bgNbdConditionalExpectedPurchases(models.bgNbd, summary, horizonDays);
  const expectedOrderValue = expectedValuePerPurchase(summary, models.gammaGamma, averageOrderValue);
  const predictedClv = predictedOrderCount * expectedOrderValue;
  const first = parseInstant(summary.firstOrderAt, 'firstOrderAt');
  const last = parseInstant(summary.lastOrderAt, 'lastOrderAt');

  return {
    profileId: summary.profileId,
    historicClv: summary.totalValue,
    predictedClv,
    totalClv: summary.totalValue + predictedClv,
    historicOrderCount: summary.orderCount,
    predictedOrderCount,
    averageOrderValue,
    expectedOrderValue,
    averageDaysBetweenOrders: summary.orderCount > 1 ? (last - first) / MS_PER_DAY / (summary.orderCount - 1) : null,
    churnProbability: 1 - bgNbdProbabilityAlive(models.bgNbd, summary),
    expectedNextOrderAt:
      predictedOrderCount >= minExpectedPurchasesForNextOrder
        ? new Date(nowMs + Math.round((horizonDays / predictedOrderCount) * MS_PER_DAY)).toISOString()
        : null,
  };
}

function expectedValuePerPurchase(summary: CustomerSummary, params: GammaGammaParameters, averageOrderValue: number): number {
  if (summary.x > 0 && summary.meanValue > 0 && params.p * summary.x + params.q > 1) {
    return gammaGammaConditionalExpectedValue(params, summary);
  }
  const populationMean = gammaGammaPopulationMeanValue(params);
  return Number.isFinite(populationMean) ? populationMean : averageOrderValue;
}
