import { performance } from 'node:perf_hooks';

/** `[12.3 s]`: time since the bench process started, for the phase lines. */
export const elapsed = () => `[${(performance.now() / 1000).toFixed(1)} s]`;
