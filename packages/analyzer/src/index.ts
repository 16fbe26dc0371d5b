export * from './contract.js';
export { ANALYZER_VERSION } from './version.js';
export { analyze } from './analyze.js';
