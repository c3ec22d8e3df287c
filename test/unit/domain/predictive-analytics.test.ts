import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  checkPredictiveAnalyticsQualifying,
  fitBgNbd,
  fitCustomerModels,
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaPopulationMeanValue,
  hypergeometric2F1,
  logGamma,
  logHypergeometric2F1,
  nelderMead,
  predictProfileFigures,
  summariseOrders,
  type BgNbdParameters,
  type CustomerModels,
  type CustomerSummary,
  type GammaGammaParameters,
  type Order,
  type QualifyingCustomer,
} from '../../../libs/domain/predictive-analytics/index.js';

// The CDNOW sample (2,357 customers, 39-week calibration period, weeks); see test/fixtures/README.md.
interface CdnowRow { x: number; tx: number; T: number; meanValue: number }
const cdnow: CdnowRow[] = readFileSync(new URL('../../fixtures/cdnow-summary.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .slice(1) // header
  .map((line) => {
    const [x, tx, T, zbar] = line.split(',').map(Number) as [number, number, number, number];
    return { x, tx, T, meanValue: zbar };
  });

// Published reference fits on this sample.
const BG_NBD_REFERENCE: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }; // Fader, Hardie & Lee 2005
const GAMMA_GAMMA_REFERENCE: GammaGammaParameters = { p: 6.25, q: 3.74, gamma: 15.44 }; // Fader & Hardie 2013
const BG_NBD_REFERENCE_LOG_LIKELIHOOD = -9582.4; // Fader, Hardie & Lee 2005
// The references are printed to 3–4 significant figures, so 1 % relative is well above rounding (≤ 0.2 %)
// and well below what a fit stuck short of the optimum gives.
const PARAMETER_RELATIVE_TOLERANCE = 0.01;
const LOG_LIKELIHOOD_ABSOLUTE_TOLERANCE = 0.1;
// Values derived from the reference parameters (eq. 10 / P(alive) evaluated at 30 digits with mpmath's ₂F₁):
// compared to 1e-6 relative, since both sides use the same inputs.
const DERIVED_RELATIVE_TOLERANCE = 1e-6;

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

describe('special functions', () => {
  it('computes ln Γ against high-precision values', () => {
    const reference: [number, number][] = [
      [0.1, 2.252712651734206], [0.5, 0.5723649429247001], [1, 0], [2.5, 0.2846828704729192],
      [10, 12.80182748008147], [100.7, 362.3567752034306], [1e5, 1051287.708973657],
    ];
    // 1e-13 relative (absolute below 1): the Lanczos approximation is good to about 1e-15.
    for (const [z, lnGamma] of reference) expect(Math.abs(logGamma(z) - lnGamma)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(lnGamma)));
  });

  it('sums ₂F₁ against closed forms and high-precision values', () => {
    expect(hypergeometric2F1(1, 1, 2, 0.5)).toBeCloseTo(2 * Math.log(2), 14); // −ln(1−z)/z
    expect(hypergeometric2F1(0.5, 1.5, 2.5, 0.3)).toBeCloseTo(1.108062551056932, 14);
    expect(hypergeometric2F1(0.3, 0.5, -0.4, 0.6)).toBeCloseTo(0.11165275573256132, 13); // c < 0: terms change sign
    expect(hypergeometric2F1(-2, 1, 1, 0.5)).toBeCloseTo(0.25, 15); // a polynomial: (1 − z)²
    // Large parameters, where the terms pass 1e100 before they fall.
    expectRelativelyClose(logHypergeometric2F1(100.24, 102.4, 102.2, 0.92).logAbs, 253.6806118385976, 1e-12);
  });

  it('refuses arguments outside the series’ reach', () => {
    expect(() => hypergeometric2F1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, -2, 0.5)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, 2, 1 - 1e-9)).toThrow(/did not converge/);
  });

  it('minimises the Rosenbrock function with Nelder–Mead', () => {
    const rosenbrock = ([x, y]: readonly number[]) => 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 5);
    expect(result.point[1]).toBeCloseTo(1, 5);
  });
});

describe('BG/NBD on the CDNOW sample', () => {
  it('has the published sample', () => {
    expect(cdnow).toHaveLength(2357);
    expect(cdnow.filter((c) => c.x > 0)).toHaveLength(946);
  });

  it('reproduces the published maximum-likelihood fit', () => {
    const started = performance.now();
    const fit = fitBgNbd(cdnow);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expectRelativelyClose(fit.parameters[key], BG_NBD_REFERENCE[key], PARAMETER_RELATIVE_TOLERANCE);
    }
    expect(fit.logLikelihood).toBeCloseTo(BG_NBD_REFERENCE_LOG_LIKELIHOOD, 0);
    expect(Math.abs(fit.logLikelihood - BG_NBD_REFERENCE_LOG_LIKELIHOOD)).toBeLessThan(LOG_LIKELIHOOD_ABSOLUTE_TOLERANCE);
    // It is a maximum: the published (rounded) parameters are no better.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(BG_NBD_REFERENCE, cdnow));
  });

  it('gives the same fit in days as in weeks (α scales, the rest does not)', () => {
    const fit = fitBgNbd(cdnow.map((c) => ({ x: c.x, tx: c.tx * 7, T: c.T * 7 })));
    expectRelativelyClose(fit.parameters.alpha, BG_NBD_REFERENCE.alpha * 7, PARAMETER_RELATIVE_TOLERANCE);
    expectRelativelyClose(fit.parameters.r, BG_NBD_REFERENCE.r, PARAMETER_RELATIVE_TOLERANCE);
    expectRelativelyClose(fit.parameters.a, BG_NBD_REFERENCE.a, PARAMETER_RELATIVE_TOLERANCE);
    expectRelativelyClose(fit.parameters.b, BG_NBD_REFERENCE.b, PARAMETER_RELATIVE_TOLERANCE);
  });

  it('matches the paper’s example: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks', () => {
    const customer = { x: 2, tx: 30.43, T: 38.86 };
    expect(bgNbdConditionalExpectedPurchases(BG_NBD_REFERENCE, customer, 39)).toBeCloseTo(1.226, 3);
    expectRelativelyClose(bgNbdConditionalExpectedPurchases(BG_NBD_REFERENCE, customer, 39), 1.22602817477, DERIVED_RELATIVE_TOLERANCE);
    expectRelativelyClose(bgNbdProbabilityAlive(BG_NBD_REFERENCE, customer), 0.726578570081, DERIVED_RELATIVE_TOLERANCE);
  });

  it.each([
    // x, t_x, T, t, E[Y(t) | x, t_x, T], P(alive)
    [0, 0, 38.86, 39, 0.195098052011, 1],
    [1, 1.71, 38.86, 39, 0.20318698708, 0.212100985377],
    [7, 35.71, 38.86, 39, 4.47224220401, 0.860067124689],
    [5, 2, 38, 39, 0.0015669007297, 0.000404797580011],
    [30, 36, 38, 52, 24.1081312943, 0.901921834002],
  ])('x = %d, t_x = %d, T = %d: expected purchases in %d weeks and P(alive)', (x, tx, T, t, expected, alive) => {
    expectRelativelyClose(bgNbdConditionalExpectedPurchases(BG_NBD_REFERENCE, { x, tx, T }, t), expected, DERIVED_RELATIVE_TOLERANCE);
    expectRelativelyClose(bgNbdProbabilityAlive(BG_NBD_REFERENCE, { x, tx, T }), alive, DERIVED_RELATIVE_TOLERANCE);
  });

  it('computes the unconditional expectation E[X(t)]', () => {
    expectRelativelyClose(bgNbdExpectedPurchases(BG_NBD_REFERENCE, 39), 1.19672319332, DERIVED_RELATIVE_TOLERANCE);
    expect(bgNbdExpectedPurchases(BG_NBD_REFERENCE, 0)).toBe(0);
  });

  it('stays finite at a = 1, where eq. 10 is 0/0', () => {
    const customer = { x: 2, tx: 30.43, T: 38.86 };
    const atOne = bgNbdConditionalExpectedPurchases({ ...BG_NBD_REFERENCE, a: 1 }, customer, 39);
    const near = bgNbdConditionalExpectedPurchases({ ...BG_NBD_REFERENCE, a: 1.001 }, customer, 39);
    expect(Number.isFinite(atOne)).toBe(true);
    expectRelativelyClose(atOne, near, 1e-3);
  });

  it('rejects impossible observations', () => {
    expect(() => bgNbdProbabilityAlive(BG_NBD_REFERENCE, { x: 1.5, tx: 1, T: 2 })).toThrow(RangeError);
    expect(() => bgNbdProbabilityAlive(BG_NBD_REFERENCE, { x: 1, tx: 3, T: 2 })).toThrow(RangeError);
    expect(() => fitBgNbd([])).toThrow(RangeError);
  });
});

describe('Gamma-Gamma on the CDNOW sample', () => {
  it('reproduces the published maximum-likelihood fit on the 946 repeat customers', () => {
    const fit = fitGammaGamma(cdnow);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    for (const key of ['p', 'q', 'gamma'] as const) {
      expectRelativelyClose(fit.parameters[key], GAMMA_GAMMA_REFERENCE[key], PARAMETER_RELATIVE_TOLERANCE);
    }
  });

  it('shrinks a customer’s mean towards the population mean', () => {
    const population = gammaGammaPopulationMeanValue(GAMMA_GAMMA_REFERENCE);
    expect(population).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
    // p(γ + x z̄) / (px + q − 1) for x = 2, z̄ = 22.35
    const expected = (6.25 * (15.44 + 2 * 22.35)) / (6.25 * 2 + 3.74 - 1);
    expect(gammaGammaConditionalExpectedValue(GAMMA_GAMMA_REFERENCE, { x: 2, meanValue: 22.35 })).toBeCloseTo(expected, 10);
    expect(gammaGammaConditionalExpectedValue(GAMMA_GAMMA_REFERENCE, { x: 0, meanValue: 0 })).toBeCloseTo(population, 10);
    // More transactions, more weight on the customer's own mean.
    const few = gammaGammaConditionalExpectedValue(GAMMA_GAMMA_REFERENCE, { x: 1, meanValue: 100 });
    const many = gammaGammaConditionalExpectedValue(GAMMA_GAMMA_REFERENCE, { x: 20, meanValue: 100 });
    expect(few).toBeLessThan(many);
    expect(many).toBeLessThan(100);
  });
});

const NOW = '2024-07-01T00:00:00.000Z';
const daysBefore = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

describe('summariseOrders', () => {
  it('summarises each profile in days, grouping orders on the same UTC day into one purchase', () => {
    const orders: Order[] = [
      { profileId: 'b', placedAt: daysBefore(10), value: 30 },
      { profileId: 'a', placedAt: daysBefore(100), value: 10 },
      { profileId: 'a', placedAt: '2024-05-01T09:00:00Z', value: 20 }, // 61 days before now
      { profileId: 'a', placedAt: '2024-05-01T18:00:00+00:00', value: 5 }, // same day: same purchase
      { profileId: 'a', placedAt: daysBefore(40), value: 40 },
    ];
    const [a, b] = summariseOrders(orders, NOW);
    expect(a).toEqual({
      profileId: 'a',
      x: 2,
      tx: 60,
      T: 100,
      meanValue: (25 + 40) / 2,
      orderCount: 4,
      totalValue: 75,
      firstOrderAt: daysBefore(100),
      lastOrderAt: daysBefore(40),
    });
    expect(b).toEqual({
      profileId: 'b', x: 0, tx: 0, T: 10, meanValue: 0, orderCount: 1, totalValue: 30, firstOrderAt: daysBefore(10), lastOrderAt: daysBefore(10),
    });
  });

  it('is deterministic: the input order does not matter', () => {
    const orders: Order[] = [
      { profileId: 'z', placedAt: daysBefore(5), value: 1 },
      { profileId: 'y', placedAt: daysBefore(50), value: 2 },
      { profileId: 'z', placedAt: daysBefore(20), value: 3 },
    ];
    expect(summariseOrders([...orders].reverse(), new Date(NOW))).toEqual(summariseOrders(orders, NOW));
    expect(summariseOrders(orders, NOW).map((s) => s.profileId)).toEqual(['y', 'z']);
  });

  it('rejects bad input', () => {
    expect(() => summariseOrders([{ profileId: 'a', placedAt: 'July 1, 2024', value: 1 }], NOW)).toThrow(RangeError);
    expect(() => summariseOrders([{ profileId: 'a', placedAt: '2024-07-02T00:00:00Z', value: 1 }], NOW)).toThrow(/after now/);
    expect(() => summariseOrders([{ profileId: 'a', placedAt: daysBefore(1), value: Number.NaN }], NOW)).toThrow(RangeError);
    expect(summariseOrders([], NOW)).toEqual([]);
  });
});

describe('predictProfileFigures', () => {
  // CDNOW's reference fit, converted from weeks to days (only α has a time unit).
  const models: CustomerModels = { bgNbd: { ...BG_NBD_REFERENCE, alpha: BG_NBD_REFERENCE.alpha * 7 }, gammaGamma: GAMMA_GAMMA_REFERENCE };
  const summarise = (orders: [days: number, value: number][]): CustomerSummary =>
    summariseOrders(orders.map(([days, value]) => ({ profileId: 'p', placedAt: daysBefore(days), value })), NOW)[0]!;

  it('gives a customer with no repeat purchases the population spend and P(alive) = 1', () => {
    const figures = predictProfileFigures(summarise([[100, 50]]), models, NOW);
    const expectedPurchases = bgNbdConditionalExpectedPurchases(models.bgNbd, { x: 0, tx: 0, T: 100 }, 365);
    expect(figures.historicClv).toBe(50);
    expect(figures.historicOrderCount).toBe(1);
    expect(figures.averageOrderValue).toBe(50);
    expect(figures.averageDaysBetweenOrders).toBeNull();
    expect(figures.churnProbability).toBe(0);
    expect(figures.expectedOrderValue).toBeCloseTo(gammaGammaPopulationMeanValue(GAMMA_GAMMA_REFERENCE), 10);
    expect(figures.predictedOrderCount).toBeCloseTo(expectedPurchases, 12);
    expect(figures.predictedClv).toBeCloseTo(expectedPurchases * figures.expectedOrderValue, 10);
    expect(figures.totalClv).toBeCloseTo(50 + figures.predictedClv, 10);
    expect(figures.expectedNextOrderAt).toBeNull(); // fewer than one purchase expected in the year
  });

  it('gives a frequent, recent buyer a next-order date of now + 365 / expected purchases', () => {
    const summary = summarise([[300, 20], [250, 30], [200, 25], [150, 35], [100, 30], [50, 40], [5, 20]]);
    const figures = predictProfileFigures(summary, models, NOW);
    expect(summary.x).toBe(6);
    expect(figures.historicClv).toBe(200);
    expect(figures.averageDaysBetweenOrders).toBeCloseTo(295 / 6, 10);
    expect(figures.predictedOrderCount).toBeGreaterThan(1);
    expect(figures.churnProbability).toBeLessThan(0.2);
    expect(figures.expectedOrderValue).toBeCloseTo(gammaGammaConditionalExpectedValue(GAMMA_GAMMA_REFERENCE, summary), 10);
    const gapMs = (365 / figures.predictedOrderCount) * 86_400_000;
    expect(Math.abs(Date.parse(figures.expectedNextOrderAt!) - (Date.parse(NOW) + gapMs))).toBeLessThanOrEqual(1);
  });

  it('gives a clearly churned customer a churn probability near 1 and almost no predicted value', () => {
    // Bought every week for two months, then nothing for over two years.
    const summary = summarise([[900, 30], [893, 30], [886, 30], [879, 30], [872, 30], [865, 30], [858, 30], [851, 30], [844, 30]]);
    const figures = predictProfileFigures(summary, models, NOW);
    expect(figures.churnProbability).toBeGreaterThan(0.999);
    expect(figures.predictedOrderCount).toBeLessThan(0.01);
    expect(figures.predictedClv).toBeLessThan(1);
    expect(figures.expectedNextOrderAt).toBeNull();
  });

  it('fits both models from summaries in one call', () => {
    const fits = fitCustomerModels(cdnow.map((c, i) => ({
      ...c, profileId: String(i), orderCount: c.x + 1, totalValue: 0, firstOrderAt: NOW, lastOrderAt: NOW,
    })));
    expectRelativelyClose(fits.bgNbd.parameters.r, BG_NBD_REFERENCE.r, PARAMETER_RELATIVE_TOLERANCE);
    expectRelativelyClose(fits.gammaGamma.parameters.p, GAMMA_GAMMA_REFERENCE.p, PARAMETER_RELATIVE_TOLERANCE);
  });
});

describe('checkPredictiveAnalyticsQualifying', () => {
  const customer = (orderCount: number, firstDaysAgo: number, lastDaysAgo: number): QualifyingCustomer => ({
    orderCount, firstOrderAt: daysBefore(firstDaysAgo), lastOrderAt: daysBefore(lastDaysAgo),
  });
  const qualifyingAccount = (): QualifyingCustomer[] => [
    customer(3, 200, 10),
    ...Array.from({ length: 499 }, () => customer(1, 60, 60)),
  ];

  it('qualifies an account that meets every criterion', () => {
    expect(checkPredictiveAnalyticsQualifying(qualifyingAccount(), NOW)).toEqual({ qualifies: true });
  });

  it('needs 500 customers with orders', () => {
    const customers = qualifyingAccount().slice(0, 312);
    customers.push(customer(0, 0, 0)); // no orders: not counted
    expect(checkPredictiveAnalyticsQualifying(customers, NOW)).toEqual({
      qualifies: false, reasons: ['312 customers have placed an order; at least 500 are needed'],
    });
  });

  it('needs 180 days of order history', () => {
    const customers = qualifyingAccount();
    customers[0] = customer(3, 120, 10);
    expect(checkPredictiveAnalyticsQualifying(customers, NOW)).toEqual({
      qualifies: false, reasons: ['Order history covers 120 days; at least 180 days are needed'],
    });
  });

  it('needs an order in the last 30 days', () => {
    const customers = qualifyingAccount();
    customers[0] = customer(3, 200, 45);
    expect(checkPredictiveAnalyticsQualifying(customers, NOW)).toEqual({
      qualifies: false, reasons: ['The most recent order was placed 45 days ago; at least one order in the last 30 days is needed'],
    });
  });

  it('needs some customers with 3 or more orders', () => {
    const customers = qualifyingAccount();
    customers[0] = customer(2, 200, 10);
    expect(checkPredictiveAnalyticsQualifying(customers, NOW)).toEqual({
      qualifies: false, reasons: ['0 customers have placed 3 or more orders; at least 1 is needed'],
    });
  });

  it('lists every failed criterion', () => {
    const result = checkPredictiveAnalyticsQualifying([], NOW);
    expect(result.qualifies).toBe(false);
    expect(!result.qualifies && result.reasons).toEqual([
      '0 customers have placed an order; at least 500 are needed',
      'There is no order history; at least 180 days are needed',
      'No order has been placed; at least one order in the last 30 days is needed',
      '0 customers have placed 3 or more orders; at least 1 is needed',
    ]);
  });

  it('works on order summaries', () => {
    const orders: Order[] = [];
    for (let i = 0; i < 500; i++) orders.push({ profileId: `p${i}`, placedAt: daysBefore(181), value: 10 });
    orders.push({ profileId: 'p0', placedAt: daysBefore(90), value: 10 }, { profileId: 'p0', placedAt: daysBefore(1), value: 10 });
    expect(checkPredictiveAnalyticsQualifying(summariseOrders(orders, NOW), NOW)).toEqual({ qualifies: true });
  });
});
