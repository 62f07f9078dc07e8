/** A translation of an area's English messages: the same keys, checked by the compiler. */
export type Translation<T> = { readonly [K in keyof T]: string };
