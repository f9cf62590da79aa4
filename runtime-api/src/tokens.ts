/** Injection tokens: every dependency is injected by an explicit token, so no decorator metadata is needed. */
export const CONFIG = Symbol('CONFIG');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
