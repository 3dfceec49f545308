// binaryen.js is large (14 MB, about half a second to load): it is imported only when the first
// function gets hot, or ahead of a run that compiles every function (eager mode).
import type binaryenModule from "binaryen";

export type Binaryen = typeof binaryenModule;

let loaded: Binaryen | undefined;
let loading: Promise<Binaryen | undefined> | undefined;
let failure: string | undefined;

/** binaryen when it is loaded; else starts loading it and returns undefined. */
export function binaryenNow(): Binaryen | undefined {
  if (!loaded) void loadBinaryen();
  return loaded;
}

/** Loads binaryen once; undefined when this platform cannot (the interpreter then runs everything). */
export function loadBinaryen(): Promise<Binaryen | undefined> {
  loading ??= import("binaryen").then(
    (m: { default: Binaryen }) => {
      loaded = m.default;
      return loaded;
    },
    (e: unknown) => {
      failure = e instanceof Error ? e.message : String(e);
      return undefined;
    },
  );
  return loading;
}

/** Why binaryen could not be loaded, if it could not. */
export function binaryenFailure(): string | undefined {
  return failure;
}
