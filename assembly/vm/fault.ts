// A runtime error raised deep inside an operation is recorded here; the dispatch loop sees it
// after the operation returns and turns it into a Noodle error value with a stack trace. The
// message is written by the host from the one error table, given the code and these arguments.

export let faultCode: u32 = 0;
export let faultArgc: u32 = 0;
export const faultArgs = <u32>memory.data(8 * 4);

export function raise(code: u32): void {
  faultCode = code;
  faultArgc = 0;
}

export function raise1(code: u32, a: u64): void {
  faultCode = code;
  store<u64>(faultArgs, a);
  faultArgc = 1;
}

export function raise2(code: u32, a: u64, b: u64): void {
  faultCode = code;
  store<u64>(faultArgs, a);
  store<u64>(faultArgs, b, 8);
  faultArgc = 2;
}

export function raise3(code: u32, a: u64, b: u64, c: u64): void {
  faultCode = code;
  store<u64>(faultArgs, a);
  store<u64>(faultArgs, b, 8);
  store<u64>(faultArgs, c, 16);
  faultArgc = 3;
}

export function raise4(code: u32, a: u64, b: u64, c: u64, d: u64): void {
  raise3(code, a, b, c);
  store<u64>(faultArgs, d, 24);
  faultArgc = 4;
}

export function clearFault(): void {
  faultCode = 0;
  faultArgc = 0;
}

// @ts-ignore: decorator
@inline export function faulted(): bool {
  return faultCode != 0;
}
