/** Design profiles, their metadata overhead model and the per-slot encodings of the non-table designs. */
export * from './profiles';
export * from './overhead';
export * from './encoding_view';
export * from './legacy_swap_map';
export * from './vswap_desc';
export * from './vtable';
export * from './pointers';
