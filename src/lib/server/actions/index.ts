export * from './queries.ts';
export * from './update.ts';
