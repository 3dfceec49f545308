// The value codec: one format for the values stores keep and for the values that travel between
// workers (the WIRE flavour also carries references to a pool's actors).
export * from "./value-codec.js";
