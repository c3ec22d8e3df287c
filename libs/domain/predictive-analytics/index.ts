/**
 * Predictive customer analytics (CLV, churn, next order), pure and deterministic:
 * BG/NBD for purchase frequency and drop-out, Gamma-Gamma for spend, Klaviyo-style qualifying criteria.
 */
export * from './bg-nbd.js';
export * from './gamma-gamma.js';
export * from './customer-summary.js';
export * from './profile-figures.js';
export * from './qualifying.js';
export { hypergeometric2F1, logHypergeometric2F1, logGamma, logAddExp, HYPERGEOMETRIC_MAX_TERMS, type SignedLog } from './special-functions.js';
export { nelderMead, type NelderMeadOptions, type NelderMeadResult } from './optimise.js';
