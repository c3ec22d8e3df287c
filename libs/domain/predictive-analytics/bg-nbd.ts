/**
 * BG/NBD ("beta-geometric / negative binomial distribution") model of repeat purchasing:
 * P. S. Fader, B. G. S. Hardie & K. L. Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative to the
 * Pareto/NBD Model", Marketing Science 24(2), 275–284; and Fader, Hardie & Lee, "Computing P(alive) Using the
 * BG/NBD Model" (note, 2008).
 *
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out
 * with probability p ~ Beta(a, b). Per customer we observe x (repeat purchases), t_x (time of the last purchase,
 * measured from the first) and T (time since the first purchase). Times may be in any unit (the CDNOW reference
 * fit is in weeks, the customer summaries in ./customer-summary.ts are in days); α is in that unit, and so are the
 * horizons passed to the expectations below.
 */

import { logAddExp, logGamma, logHypergeometric2F1 } from './special-functions.js';
import { nelderMead, type NelderMeadOptions } from './optimise.js';

// Bound once at module level: inside a vm context (Jest's sandbox) every lookup of a global such as Math goes
// through a slow interceptor, which made the likelihood loops ~15× slower there.
const { abs, exp, expm1, log, max } = Math;
const { isFinite, isInteger } = Number;

export interface BgNbdParameters {
  /** Shape of the Gamma distribution of purchase rates. */
  r: number;
  /** Scale of the Gamma distribution of purchase rates (in the data's time unit). */
  alpha: number;
  /** Beta distribution of drop-out probabilities. */
  a: number;
  b: number;
}

/** One customer's purchase history, in the "x, t_x, T" form of the paper. */
export interface RfmObservation {
  /** Number of repeat purchases (purchases after the first); a non-negative integer. */
  x: number;
  /** Time of the last purchase since the first (0 when x = 0); 0 ≤ tx ≤ T. */
  tx: number;
  /** Age: time from the first purchase to the end of observation. */
  T: number;
}

export interface BgNbdFit {
  parameters: BgNbdParameters;
  logLikelihood: number;
  iterations: number;
  /** False when the optimiser hit its iteration cap; the parameters are then the best found, not a verified optimum. */
  converged: boolean;
}

export type BgNbdFitOptions = NelderMeadOptions;

/** Rejects observations the model cannot describe (negative or fractional x, tx outside [0, T]). */
export function validateRfmObservation(o: RfmObservation): void {
  if (!isInteger(o.x) || o.x < 0) throw new RangeError(`x must be a non-negative integer, got ${o.x}`);
  if (!isFinite(o.T) || o.T < 0) throw new RangeError(`T must be finite and non-negative, got ${o.T}`);
  if (!isFinite(o.tx) || o.tx < 0 || o.tx > o.T) throw new RangeError(`tx must be within [0, T], got tx = ${o.tx}, T = ${o.T}`);
}

function validateParameters(p: BgNbdParameters): void {
  for (const [name, value] of Object.entries(p)) {
    if (!(value > 0) || !isFinite(value)) throw new RangeError(`BG/NBD parameter ${name} must be finite and positive, got ${value}`);
  }
}

/**
 * ln L(r, α, a, b | x, t_x, T) for one customer: the paper's likelihood L(r, α, a, b | X = x, t_x, T), written as A₁·A₂·(A₃ + δ_{x>0}·A₄) with
 *   A₁ = Γ(r+x) α^r / Γ(r),  A₂ = Γ(a+b) Γ(b+x) / (Γ(b) Γ(a+b+x)),
 *   A₃ = (α+T)^−(r+x),       A₄ = a / (b+x−1) · (α+t_x)^−(r+x),
 * summed in logarithms (the second term with log-add-exp) so that large x does not overflow.
 */
export function bgNbdIndividualLogLikelihood(params: BgNbdParameters, o: RfmObservation): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = o;
  const lnA1 = logGamma(r + x) - logGamma(r) + r * log(alpha);
  const lnA2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const lnA3 = -(r + x) * log(alpha + T);
  if (x === 0) return lnA1 + lnA2 + lnA3;
  const lnA4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + tx);
  return lnA1 + lnA2 + logAddExp(lnA3, lnA4);
}

/** The sample log-likelihood: the sum of bgNbdIndividualLogLikelihood over the customers. */
export function bgNbdLogLikelihood(params: BgNbdParameters, observations: readonly RfmObservation[]): number {
  validateParameters(params);
  let sum = 0;
  for (const o of observations) sum += bgNbdIndividualLogLikelihood(params, o);
  return sum;
}

/**
 * Maximum-likelihood fit by Nelder–Mead on ln r, ln α, ln a, ln b (which keeps every parameter positive and makes
 * the simplex steps relative). Customers with identical (x, t_x, T) are grouped first; the result is the same, the
 * work smaller (most customers of a cohort share x = 0 and T).
 *
 * Start: r = a = b = 1 and α = mean(T) / max(mean(x), 1/n), i.e. a mean purchase rate r/α equal to the observed
 * one; that keeps the start independent of the time unit.
 */
export function fitBgNbd(observations: readonly RfmObservation[], options: BgNbdFitOptions = {}): BgNbdFit {
  if (observations.length === 0) throw new RangeError('fitBgNbd needs at least one customer');
  const groups = new Map<string, { o: RfmObservation; count: number }>();
  let sumT = 0;
  let sumX = 0;
  for (const o of observations) {
    validateRfmObservation(o);
    // tx is irrelevant when x = 0, so it is left out of the key.
    const key = `${o.x}|${o.x === 0 ? 0 : o.tx}|${o.T}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { o, count: 1 });
    sumT += o.T;
    sumX += o.x;
  }
  const grouped = [...groups.values()];
  const n = observations.length;
  const alpha0 = max(sumT / n, 1e-6) / max(sumX / n, 1 / n);

  const negativeLogLikelihood = (theta: readonly number[]): number => {
    const [r, alpha, a, b] = theta.map(exp) as [number, number, number, number];
    let sum = 0;
    for (const { o, count } of grouped) sum += count * bgNbdIndividualLogLikelihood({ r, alpha, a, b }, o);
    return -sum;
  };
  const result = nelderMead(negativeLogLikelihood, [0, log(alpha0), 0, 0], options);
  const [r, alpha, a, b] = result.point.map(exp) as [number, number, number, number];
  return { parameters: { r, alpha, a, b }, logLikelihood: -result.value, iterations: result.iterations, converged: result.converged };
}

/**
 * ln of the odds term in the denominators of P(alive) and eq. (10):
 * δ_{x>0} · a / (b+x−1) · ((α+T) / (α+t_x))^(r+x); -Infinity when x = 0.
 */
function logDeadOdds(params: BgNbdParameters, o: RfmObservation): number {
  const { r, alpha, a, b } = params;
  if (o.x === 0) return -Infinity;
  return log(a) - log(b + o.x - 1) + (r + o.x) * log((alpha + o.T) / (alpha + o.tx));
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) 
 * (the 2008 note "Computing P(alive) Using the BG/NBD Model").
 * A customer with no repeat purchases cannot have dropped out yet (drop-out happens only after a purchase), so 1.
 */
export function bgNbdProbabilityAlive(params: BgNbdParameters, o: RfmObservation): number {
  validateParameters(params);
  validateRfmObservation(o);
  const lnOdds = logDeadOdds(params, o);
  // 1 / (1 + e^lnOdds), written to stay accurate when the odds are huge.
  return lnOdds > 0 ? exp(-lnOdds) / (1 + exp(-lnOdds)) : 1 / (1 + exp(lnOdds));
}

// (a+b+x−1)/(a−1) is singular at a = 1 but the expectation is not. Within A_NEAR_ONE of 1 it is interpolated
// linearly between a = 1 ± A_NEAR_ONE (error O(A_NEAR_ONE²), well clear of the cancellation near the pole).
const A_NEAR_ONE = 1e-5;

/**
 * E[Y(t) | x, t_x, T]: the expected number of purchases in the next t time units, eq. (10):
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / [1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)].
 * The product in the bracket is formed in logarithms (₂F₁ grows as fast as the power shrinks for large x).
 */
export function bgNbdConditionalExpectedPurchases(params: BgNbdParameters, o: RfmObservation, t: number): number {
  validateParameters(params);
  validateRfmObservation(o);
  if (!isFinite(t) || t < 0) throw new RangeError(`the horizon t must be finite and non-negative, got ${t}`);
  if (t === 0) return 0;
  if (abs(params.a - 1) < A_NEAR_ONE) {
    const below = conditionalExpectedPurchases({ ...params, a: 1 - A_NEAR_ONE }, o, t);
    const above = conditionalExpectedPurchases({ ...params, a: 1 + A_NEAR_ONE }, o, t);
    const weight = (params.a - (1 - A_NEAR_ONE)) / (2 * A_NEAR_ONE);
    return below + weight * (above - below);
  }
  return conditionalExpectedPurchases(params, o, t);
}

function conditionalExpectedPurchases(params: BgNbdParameters, o: RfmObservation, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, T } = o;
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  const hyp = logHypergeometric2F1(r + x, b + x, c, z);
  // c > 0 whenever x ≥ 1; for x = 0, c = a + b − 1 may be negative and ₂F₁ may change sign.
  const lnProduct = (r + x) * log((alpha + T) / (alpha + T + t)) + hyp.logAbs;
  // 1 − (power · ₂F₁); expm1 keeps the accuracy for short horizons, where the product is close to 1.
  const numerator = hyp.sign > 0 ? -expm1(lnProduct) : hyp.sign < 0 ? 1 + exp(lnProduct) : 1;
  return ((c / (a - 1)) * numerator) / (1 + exp(logDeadOdds(params, o)));
}

/**
 * E[X(t)]: the expected number of purchases in (0, t] of a customer whose first purchase is at 0 (the
 * paper's E[X(t) | r, α, a, b]):
 * (a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; t/(α+t))]. Equal to eq. (10) for x = t_x = T = 0, which is how it is computed.
 */
export function bgNbdExpectedPurchases(params: BgNbdParameters, t: number): number {
  return bgNbdConditionalExpectedPurchases(params, { x: 0, tx: 0, T: 0 }, t);
}
