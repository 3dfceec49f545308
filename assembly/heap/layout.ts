// Heap object layout. Every block starts with an 8-byte header:
//   u8 type, u8 flags, u16 aux (per type), u32 size (whole block in bytes, a multiple of 8).
// Field offsets below are from the block start.

export const HEADER: u32 = 8;

// object types
export const T_FREE: u8 = 0;
export const T_RAW: u8 = 1; // untyped storage owned by another object (list items, map tables, code)
export const T_STRING: u8 = 2;
export const T_LIST: u8 = 3;
export const T_MAP: u8 = 4;
export const T_STRUCT: u8 = 5;
export const T_CLOSURE: u8 = 6;
export const T_BOX: u8 = 7;
export const T_ERROR: u8 = 8;
export const T_NATIVE: u8 = 9;
export const T_STRUCTDEF: u8 = 10;
export const T_MATRIX: u8 = 11;
export const T_TENSOR: u8 = 12;
export const T_FUTURE: u8 = 13;
export const T_ACTOR: u8 = 14;
export const T_BOUND: u8 = 15; // an actor's method as a value: calling it sends a message

// header flags
export const F_MARK: u8 = 1;
export const F_PINNED: u8 = 2; // never collected (constants, VM tables)
export const F_REGION: u8 = 4; // allocated inside a region that is still open

// @ts-ignore: decorator
@inline export function typeOf(p: u32): u8 { return load<u8>(p); }
// @ts-ignore: decorator
@inline export function flagsOf(p: u32): u8 { return load<u8>(p, 1); }
// @ts-ignore: decorator
@inline export function setFlags(p: u32, f: u8): void { store<u8>(p, f, 1); }
// @ts-ignore: decorator
@inline export function auxOf(p: u32): u16 { return load<u16>(p, 2); }
// @ts-ignore: decorator
@inline export function setAux(p: u32, a: u16): void { store<u16>(p, a, 2); }
// @ts-ignore: decorator
@inline export function sizeOf(p: u32): u32 { return load<u32>(p, 4); }

// RAW: payload from +8
export const RAW_DATA: u32 = 8;

// STRING: UTF-8 bytes; aux bit 0 = all ASCII (code point index = byte index)
export const STR_BYTES: u32 = 8; // u32 byte length
export const STR_CPS: u32 = 12; // u32 code point count
export const STR_HASH: u32 = 16; // u32 hash, 0 = not yet computed
export const STR_DATA: u32 = 20;
export const STR_ASCII: u16 = 1;

// LIST
export const LIST_LEN: u32 = 8;
export const LIST_CAP: u32 = 12;
export const LIST_DATA: u32 = 16; // RAW block of u64 items
export const LIST_SIZE: u32 = 24;

// MAP: insertion-ordered entries (key u64, value u64) plus an open-addressing index of u32
export const MAP_COUNT: u32 = 8; // live entries
export const MAP_USED: u32 = 12; // entry slots used, deleted ones included
export const MAP_CAP: u32 = 16; // entry slots available
export const MAP_ENTRIES: u32 = 20; // RAW
export const MAP_INDEX: u32 = 24; // RAW of u32 (entry number + 1; 0 empty)
export const MAP_MASK: u32 = 28; // index slots - 1
export const MAP_SIZE: u32 = 32;

// STRUCT: fields in declaration order
export const STRUCT_DEF: u32 = 8;
export const STRUCT_FIELDS: u32 = 16;

// STRUCTDEF (pinned): name, display template (0 when none), field names (interned string pointers)
export const SDEF_NAME: u32 = 8;
export const SDEF_COUNT: u32 = 12;
export const SDEF_INDEX: u32 = 16;
export const SDEF_DISPLAY: u32 = 20;
export const SDEF_FIELDS: u32 = 24;

// CLOSURE: function index and captured boxes
export const CLO_PROTO: u32 = 8;
export const CLO_NCAP: u32 = 12;
export const CLO_CAPS: u32 = 16;

// BOX: one captured variable
export const BOX_VALUE: u32 = 8;
export const BOX_SIZE: u32 = 16;

// ERROR
export const ERR_CODE: u32 = 8; // u64 number value
export const ERR_MESSAGE: u32 = 16; // string pointer
export const ERR_TRACE: u32 = 20; // list pointer or 0
export const ERR_SIZE: u32 = 24;

// NATIVE: a builtin function as a value
export const NATIVE_ID: u32 = 8;
export const NATIVE_SIZE: u32 = 16;

// MATRIX: rows x cols elements, row-major, in a RAW block (16-byte aligned start at MAT_ELEMS)
export const MAT_BLOCK: u32 = 8; // RAW block holding the elements (the collector follows it)
export const MAT_ROWS: u32 = 12;
export const MAT_COLS: u32 = 16;
export const MAT_DTYPE: u32 = 20; // 0 f64, 1 f32
export const MAT_ELEMS: u32 = 24; // address of element 0
export const MAT_SIZE: u32 = 32;

// TENSOR: n-D, row-major; shape stored inline
export const TEN_BLOCK: u32 = 8;
export const TEN_NDIM: u32 = 12;
export const TEN_DTYPE: u32 = 16;
export const TEN_ELEMS: u32 = 20;
export const TEN_COUNT: u32 = 24;
export const TEN_SHAPE: u32 = 28; // u32 per dimension
export const MAX_TENSOR_DIMS: u32 = 32;

// FUTURE: the outcome of a task, a message, a combinator or the host
export const FUT_STATE: u32 = 8; // u32: 0 pending, 1 resolved, 2 failed
export const FUT_TASK: u32 = 12; // fiber record that will settle it, or 0
export const FUT_VALUE: u32 = 16; // u64: the value or the error; an `all` keeps its results list here while pending
export const FUT_WAITERS: u32 = 24; // list of (waiter, detail) pairs, or 0
export const FUT_KIND: u32 = 28; // u32: what settles it (see assembly/objects/future.ts)
export const FUT_COUNT: u32 = 32; // u32: inputs an `all` still waits for
export const FUT_SOURCE: u32 = 36; // the future a `timeout` watches
export const FUT_DEADLINE: u32 = 40; // f64: when a `timeout` fails (host clock, ms)
export const FUT_FIBER: u32 = 48; // a waiting fiber kept here rather than in FUT_WAITERS (the usual one waiter)
export const FUT_SIZE: u32 = 56;

// ACTOR: state lives in the closures its constructor returned (a map of method name to handler)
export const ACT_CTOR: u32 = 8; // closure that builds a fresh incarnation
export const ACT_METHODS: u32 = 12; // map of the current incarnation, 0 until its constructor ran
export const ACT_HEAD: u32 = 16; // mailbox: fiber records of messages not started, oldest first
export const ACT_TAIL: u32 = 20;
export const ACT_BUSY: u32 = 24; // fiber handling a message (or constructing), 0 when idle
export const ACT_STOPPED: u32 = 28; // u32: 1 after its supervisor gave up
export const ACT_RESTARTS: u32 = 32; // list of restart times (ms), or 0
export const ACT_NAME: u32 = 36; // string
export const ACT_REMOTE: u32 = 40; // u32: the host's id of an actor living on another worker, 0 here
export const ACT_CAUSE: u32 = 44; // the error its constructor failed with (it stopped then), or 0
export const ACT_UPGRADE: u32 = 48; // constructor of the version it switches to at its next message boundary, or 0
export const ACT_KEEP: u32 = 52; // on a rollback: the incarnation whose state it goes back to, or 0
export const ACT_FORMER: u32 = 56; // the incarnation it left at its last switch (its state then), or 0
export const ACT_SWITCH_AT: u32 = 60; // f64: when its switch began to run (host clock, ms), to measure its pause
export const ACT_SIZE: u32 = 68;

// BOUND: actor method as a value
export const BM_ACTOR: u32 = 8;
export const BM_NAME: u32 = 12; // string
export const BM_SIZE: u32 = 16;

export const DTYPE_F64: u32 = 0;
export const DTYPE_F32: u32 = 1;
