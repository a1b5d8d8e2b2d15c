// Lookup v2: the basic lookup and line type offline (libphonenumber-js, full metadata); paid packages through a
// LookupDataSource a deployment provides.
export { lookupPhoneNumber, parseFields, type LookupOptions, type LookupRequest } from './lookup.js';
export { validatePhoneNumber, DEFAULT_COUNTRY } from './validate.js';
export { lineTypeOf } from './line-type.js';
export { emptyPackage, PACKAGE_ERRORS, type LookupDataSource, type LookupParameters, type LookupQuery } from './data-source.js';
export * from './types.js';
