/** timesink's version inside the bundles (the bundler defines __TIMESINK_VERSION__; tests run from source). */
declare const __TIMESINK_VERSION__: string | undefined;

export const TIMESINK_VERSION: string = typeof __TIMESINK_VERSION__ === 'string' ? __TIMESINK_VERSION__ : '0.0.0-dev';
