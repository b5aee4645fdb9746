export * from './types.ts';
export * from './auth.ts';
export * from './tenancy.ts';
export * from './cases.ts';
export * from './meetings.ts';
export * from './audit.ts';
export * from './documents.ts';
export * from './projections.ts';
