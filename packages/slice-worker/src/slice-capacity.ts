/**
 * How many databases one slice binds at most. The reasons are in docs/binding-slices.md; in
 * short: a pass over a whole slice has to fit in one invocation's 1,000 D1 queries (a size
 * sample is one query per database, a migration with one pending step two), each upload of
 * the slice carries its whole binding list, and a slice that fails takes its databases with it.
 * Far below D1's ~5,000 bindings per Worker; Workers for Platforms has no limit on the number
 * of slices.
 */
export const SLICE_CAPACITY = 250;
