/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965), with restarts. Derivative-free, which suits the models'
 * log-likelihoods (their gradients involve digamma functions we would rather not maintain). Deterministic.
 */

// Bound once at module level: inside a vm context (Jest's sandbox) every lookup of a global such as Math goes
// through a slow interceptor, which made the likelihood loops ~15× slower there.
const { abs, max } = Math;
const { isFinite } = Number;

export interface NelderMeadOptions {
  /** Edge length of the initial simplex along each axis. Default 0.5 (on log-parameters: a factor of about 1.65). */
  initialStep?: number;
  /** Iteration cap per run. Default 2000. */
  maxIterations?: number;
  /** Further runs started from the best point so far, to escape a collapsed simplex. Default 3. */
  maxRestarts?: number;
  /** Stop when the simplex's function values differ by less than this (absolute). Default 1e-10. */
  functionTolerance?: number;
  /** ... and its vertices are within this distance of the best one in every coordinate. Default 1e-9. */
  pointTolerance?: number;
}

export interface NelderMeadResult {
  point: number[];
  value: number;
  iterations: number;
  evaluations: number;
  /** False when a run stopped at maxIterations before meeting the tolerances. */
  converged: boolean;
}

// Standard coefficients: reflection, expansion, contraction, shrink.
const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

/** Minimises `f`; non-finite values of `f` are treated as +Infinity, so `f` may reject a region by returning NaN. */
export function nelderMead(f: (point: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const { initialStep = 0.5, maxIterations = 2000, maxRestarts = 3, functionTolerance = 1e-10, pointTolerance = 1e-9 } = options;
  if (start.length === 0) throw new RangeError('nelderMead needs at least one dimension');
  let evaluations = 0;
  const evaluate = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return isFinite(v) ? v : Infinity;
  };

  let best = { point: [...start], value: evaluate(start) };
  let iterations = 0;
  let converged = false;
  for (let run = 0; run <= maxRestarts; run++) {
    const result = runSimplex(evaluate, best.point, best.value, initialStep, maxIterations, functionTolerance, pointTolerance);
    iterations += result.iterations;
    const improved = best.value - result.value;
    best = { point: result.point, value: result.value };
    converged = result.converged;
    // A restart that gains nothing means the minimum is genuine, not a degenerate simplex.
    if (run > 0 && converged && improved <= functionTolerance) break;
  }
  if (best.value === Infinity) throw new RangeError('nelderMead found no point where the function is finite');
  return { point: best.point, value: best.value, iterations, evaluations, converged };
}

function runSimplex(
  evaluate: (x: readonly number[]) => number,
  start: number[],
  startValue: number,
  step: number,
  maxIterations: number,
  functionTolerance: number,
  pointTolerance: number,
): { point: number[]; value: number; iterations: number; converged: boolean } {
  const n = start.length;
  const simplex: { point: number[]; value: number }[] = [{ point: start, value: startValue }];
  for (let i = 0; i < n; i++) {
    const point = [...start];
    point[i] += step;
    simplex.push({ point, value: evaluate(point) });
  }

  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    simplex.sort((u, v) => u.value - v.value);
    const bestVertex = simplex[0];
    const worst = simplex[n];
    const spread = worst.value - bestVertex.value;
    const size = max(...simplex.slice(1).map((v) => max(...v.point.map((c, i) => abs(c - bestVertex.point[i])))));
    if (spread <= functionTolerance && size <= pointTolerance) {
      return { point: bestVertex.point, value: bestVertex.value, iterations: iteration, converged: true };
    }

    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i] += simplex[j].point[i] / n;
    const along = (t: number) => centroid.map((c, i) => c + t * (c - worst.point[i]));

    const reflected = along(REFLECT);
    const reflectedValue = evaluate(reflected);
    if (reflectedValue < bestVertex.value) {
      const expanded = along(EXPAND);
      const expandedValue = evaluate(expanded);
      simplex[n] = expandedValue < reflectedValue ? { point: expanded, value: expandedValue } : { point: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < simplex[n - 1].value) {
      simplex[n] = { point: reflected, value: reflectedValue };
      continue;
    }
    // Contract towards the better of the worst vertex and its reflection.
    const outside = reflectedValue < worst.value;
    const contracted = along(outside ? CONTRACT : -CONTRACT);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : worst.value)) {
      simplex[n] = { point: contracted, value: contractedValue };
      continue;
    }
    for (let j = 1; j <= n; j++) {
      const point = simplex[j].point.map((c, i) => bestVertex.point[i] + SHRINK * (c - bestVertex.point[i]));
      simplex[j] = { point, value: evaluate(point) };
    }
  }
  simplex.sort((u, v) => u.value - v.value);
  return { point: simplex[0].point, value: simplex[0].value, iterations: iteration, converged: false };
}
