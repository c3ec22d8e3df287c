/** Injection tokens for the dependencies the API receives from whoever starts it. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ORM = Symbol('ORM');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
