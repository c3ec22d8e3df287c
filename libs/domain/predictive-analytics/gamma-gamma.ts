/**
 * Gamma-Gamma model of the value of repeat transactions: P. S. Fader & B. G. S. Hardie (2013), "The Gamma-Gamma
 * Model of Monetary Value" (note; after Colombo & Jiang 1999).
 *
 * A customer's transaction values are Gamma(p, ν) around a per-customer mean p/ν, with ν ~ Gamma(q, γ) across
 * customers. It assumes spend is independent of the purchase process, and it is fitted on customers with at least
 * one repeat transaction, on the mean value z̄ of those repeat transactions.
 */

import { logGamma } from './special-functions.js';
import { nelderMead, type NelderMeadOptions } from './optimise.js';

// Bound once at module level: inside a vm context (Jest's sandbox) every lookup of a global such as Math goes
// through a slow interceptor, which made the likelihood loops ~15× slower there.
const { exp, log } = Math;
const { isFinite, isInteger } = Number;

export interface GammaGammaParameters {
  p: number;
  q: number;
  gamma: number;
}

export interface MonetaryObservation {
  /** Number of (repeat) transactions the mean is taken over. */
  x: number;
  /** Their mean value z̄. */
  meanValue: number;
}

export interface GammaGammaFit {
  parameters: GammaGammaParameters;
  logLikelihood: number;
  /** How many observations were used (those with x > 0 and a positive mean value). */
  customers: number;
  iterations: number;
  converged: boolean;
}

export type GammaGammaFitOptions = NelderMeadOptions;

function usable(o: MonetaryObservation): boolean {
  return isInteger(o.x) && o.x > 0 && isFinite(o.meanValue) && o.meanValue > 0;
}

function validateParameters(params: GammaGammaParameters): void {
  for (const [name, value] of Object.entries(params)) {
    if (!(value > 0) || !isFinite(value)) throw new RangeError(`Gamma-Gamma parameter ${name} must be finite and positive, got ${value}`);
  }
}

/**
 * ln f(z̄ | p, q, γ; x), the marginal density of the mean of x transactions once ν is integrated out:
 *   Γ(px+q) / (Γ(px) Γ(q)) · γ^q · z̄^(px−1) · x^(px) / (γ + x z̄)^(px+q).
 */
export function gammaGammaIndividualLogLikelihood(params: GammaGammaParameters, o: MonetaryObservation): number {
  const { p, q, gamma } = params;
  const px = p * o.x;
  return (
    logGamma(px + q) - logGamma(px) - logGamma(q) +
    q * log(gamma) + (px - 1) * log(o.meanValue) + px * log(o.x) -
    (px + q) * log(gamma + o.x * o.meanValue)
  );
}

/** Sample log-likelihood over the observations with x > 0 and meanValue > 0 (the others carry no information). */
export function gammaGammaLogLikelihood(params: GammaGammaParameters, observations: readonly MonetaryObservation[]): number {
  validateParameters(params);
  let sum = 0;
  for (const o of observations) if (usable(o)) sum += gammaGammaIndividualLogLikelihood(params, o);
  return sum;
}

/**
 * Maximum-likelihood fit by Nelder–Mead on ln p, ln q, ln γ, over the observations with x > 0 and a positive mean
 * (others are skipped, so all customers' summaries may be passed). Start: p = 1, q = 2 and γ = the average z̄,
 * which puts the population mean spend pγ/(q−1) at the observed average whatever the currency's scale.
 */
export function fitGammaGamma(observations: readonly MonetaryObservation[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  const data = observations.filter(usable);
  if (data.length === 0) throw new RangeError('fitGammaGamma needs at least one customer with a repeat transaction of positive value');
  const meanOfMeans = data.reduce((s, o) => s + o.meanValue, 0) / data.length;
  const negativeLogLikelihood = (theta: readonly number[]): number => {
    const [p, q, gamma] = theta.map(exp) as [number, number, number];
    let sum = 0;
    for (const o of data) sum += gammaGammaIndividualLogLikelihood({ p, q, gamma }, o);
    return -sum;
  };
  const result = nelderMead(negativeLogLikelihood, [0, log(2), log(meanOfMeans)], options);
  const [p, q, gamma] = result.point.map(exp) as [number, number, number];
  return {
    parameters: { p, q, gamma },
    logLikelihood: -result.value,
    customers: data.length,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** E(M) = pγ / (q − 1), the population mean transaction value; Infinity when q ≤ 1 (the mean does not exist). */
export function gammaGammaPopulationMeanValue(params: GammaGammaParameters): number {
  validateParameters(params);
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : Infinity;
}

/**
 * E(M | p, q, γ, z̄, x) = p (γ + x z̄) / (px + q − 1): a weighted average of the population mean pγ/(q−1) and the
 * customer's own z̄, with weight px/(px+q−1) on the latter. For x = 0 it is the population mean. Throws a RangeError
 * when px + q ≤ 1 (no finite expectation).
 */
export function gammaGammaConditionalExpectedValue(params: GammaGammaParameters, o: MonetaryObservation): number {
  validateParameters(params);
  if (!isInteger(o.x) || o.x < 0) throw new RangeError(`x must be a non-negative integer, got ${o.x}`);
  const meanValue = o.x === 0 ? 0 : o.meanValue;
  if (!isFinite(meanValue)) throw new RangeError(`meanValue must be finite, got ${o.meanValue}`);
  const denominator = params.p * o.x + params.q - 1;
  if (!(denominator > 0)) throw new RangeError(`the expected value does not exist when p·x + q ≤ 1 (p = ${params.p}, q = ${params.q}, x = ${o.x})`);
  return (params.p * (params.gamma + o.x * meanValue)) / denominator;
}
