/**
 * Special functions for the predictive-analytics models: ln Γ and the Gauss hypergeometric function ₂F₁.
 * Pure and deterministic (plain floating-point arithmetic, no Intl, clock or randomness).
 */

// Bound once at module level: inside a vm context (Jest's sandbox) every lookup of a global such as Math goes
// through a slow interceptor, which made the likelihood loops ~15× slower there.
const { PI, abs, exp, log, log1p, max, min, sin } = Math;
const { isFinite, isInteger } = Number;

const LN_SQRT_2PI = 0.5 * log(2 * PI);
// Lanczos approximation, g = 7, n = 9 (relative error about 1e-15 for positive arguments).
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0. */
export function logGamma(z: number): number {
  if (!(z > 0) || !isFinite(z)) throw new RangeError(`logGamma needs a finite positive argument, got ${z}`);
  // Below 0.5 the Lanczos series loses accuracy; the reflection formula Γ(z)Γ(1−z) = π / sin(πz) moves it up.
  if (z < 0.5) return log(PI / sin(PI * z)) - logGamma(1 - z);
  const w = z - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) series += LANCZOS_COEFFICIENTS[i] / (w + i);
  const t = w + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (w + 0.5) * log(t) - t + log(series);
}

/** ln(e^u + e^v) without overflow or underflow. */
export function logAddExp(u: number, v: number): number {
  const hi = max(u, v);
  if (hi === -Infinity) return -Infinity;
  return hi + log1p(exp(min(u, v) - hi));
}

/** ₂F₁ as a sign and the logarithm of its absolute value, so that huge values do not overflow. */
export interface SignedLog {
  sign: -1 | 0 | 1;
  /** ln |value|; -Infinity when the value is 0. */
  logAbs: number;
}

export const HYPERGEOMETRIC_MAX_TERMS = 1_000_000;
const HYPERGEOMETRIC_RELATIVE_TOLERANCE = 1e-15;
const RESCALE_ABOVE = 1e250;
const LN_RESCALE = log(RESCALE_ABOVE);

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) = Σₙ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, summed as its power series for
 * |z| < 1. The sum is kept rescaled (with the scale as a logarithm) because BG/NBD evaluates it for customers with
 * many purchases, where terms grow past 1e300 before they fall, and the caller multiplies by a tiny (1−z)^(r+x).
 *
 * Convergence guard: the summation stops once the terms' ratio is below 1 and the geometric bound on the rest of
 * the series, |term|·ρ/(1−ρ), is below 1e-15 of the sum; it throws a RangeError if that has not happened after
 * HYPERGEOMETRIC_MAX_TERMS terms (z very close to 1), rather than return a truncated value.
 */
export function logHypergeometric2F1(a: number, b: number, c: number, z: number): SignedLog {
  if (![a, b, c, z].every(isFinite)) throw new RangeError('hypergeometric2F1 needs finite arguments');
  if (!(abs(z) < 1)) throw new RangeError(`hypergeometric2F1 is summed as a series, which needs |z| < 1, got z = ${z}`);
  if (c <= 0 && isInteger(c)) throw new RangeError(`hypergeometric2F1 is undefined for c = ${c} (a non-positive integer)`);

  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let n = 0; n < HYPERGEOMETRIC_MAX_TERMS; n++) {
    const ratio = ((a + n) * (b + n) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return toSignedLog(sum, logScale); // a or b is a non-positive integer: a polynomial
    if (abs(term) > RESCALE_ABOVE || abs(sum) > RESCALE_ABOVE) {
      term /= RESCALE_ABOVE;
      sum /= RESCALE_ABOVE;
      logScale += LN_RESCALE;
    }
    // Only trust the tail bound once the ratios have settled below 1 (n past the region where c + n < 0).
    const nextRatio = abs(((a + n + 1) * (b + n + 1) / ((c + n + 1) * (n + 2))) * z);
    if (c + n + 1 > 0 && nextRatio < 1) {
      const tail = (abs(term) * nextRatio) / (1 - nextRatio);
      if (tail <= HYPERGEOMETRIC_RELATIVE_TOLERANCE * abs(sum)) return toSignedLog(sum, logScale);
    }
  }
  throw new RangeError(`hypergeometric2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${HYPERGEOMETRIC_MAX_TERMS} terms`);
}

/** ₂F₁(a, b; c; z) for |z| < 1; see logHypergeometric2F1 (may overflow to ±Infinity where that one does not). */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  const { sign, logAbs } = logHypergeometric2F1(a, b, c, z);
  return sign * exp(logAbs);
}

function toSignedLog(sum: number, logScale: number): SignedLog {
  if (sum === 0) return { sign: 0, logAbs: -Infinity };
  return { sign: sum > 0 ? 1 : -1, logAbs: log(abs(sum)) + logScale };
}
