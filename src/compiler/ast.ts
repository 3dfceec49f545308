// The abstract syntax tree. Every node carries a span: its start and end offsets in the source
// (UTF-16 code units, end exclusive). Line and column are derived from offsets when reporting.

export interface Span {
  start: number;
  end: number;
}

export type TypeName =
  | { kind: "named"; name: string; span: Span } // number int bool string list map matrix tensor func any nil, or a struct
  | { kind: "qualified"; module: string; name: string; span: Span }; // mod.Struct

// ---------- expressions ----------

export type Expr =
  | NumberLit
  | StringLit
  | InterpString
  | BoolLit
  | NilLit
  | Ident
  | ListLit
  | MatrixLit
  | MapLit
  | StructLit
  | Unary
  | Binary
  | Logical
  | RangeExpr
  | Call
  | Index
  | Slice
  | Member
  | Transpose
  | Lambda
  | MatchExpr
  | SpawnExpr
  | AwaitExpr
  | ErrorExpr;

export interface NumberLit {
  kind: "Number";
  value: number;
  span: Span;
}
export interface StringLit {
  kind: "String";
  value: string;
  span: Span;
}
/** "a ${x} b": parts alternate literal strings and expressions, in order. */
export interface InterpString {
  kind: "Interp";
  parts: (string | Expr)[];
  span: Span;
}
export interface BoolLit {
  kind: "Bool";
  value: boolean;
  span: Span;
}
export interface NilLit {
  kind: "Nil";
  span: Span;
}
export interface Ident {
  kind: "Ident";
  name: string;
  span: Span;
}
export interface ListLit {
  kind: "List";
  items: Expr[];
  span: Span;
}
/** [1, 2; 3, 4]: rows of expressions; `[;]` has zero rows; `[1, 2;]` one row. */
export interface MatrixLit {
  kind: "Matrix";
  rows: Expr[][];
  span: Span;
}
export interface MapLit {
  kind: "Map";
  entries: { key: Expr; value: Expr }[];
  span: Span;
}
/** Point { x: 1, y: 2 } or mod.Point { ... }; module is the import alias when qualified. */
export interface StructLit {
  kind: "StructLit";
  module?: string;
  name: string;
  nameSpan: Span;
  fields: { name: string; value: Expr; span: Span }[];
  span: Span;
}
export interface Unary {
  kind: "Unary";
  op: "-" | "not";
  operand: Expr;
  span: Span;
}
export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "**" | ".^" | ".*" | "./" | "\\" | "==" | "!=" | "<" | "<=" | ">" | ">=";
export interface Binary {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  opSpan: Span;
  span: Span;
}
/** `and`/`&&` and `or`/`||` are normalised to "and" / "or". */
export interface Logical {
  kind: "Logical";
  op: "and" | "or";
  left: Expr;
  right: Expr;
  span: Span;
}
export interface RangeExpr {
  kind: "Range";
  from: Expr;
  to: Expr;
  inclusive: boolean;
  span: Span;
}
export interface Call {
  kind: "Call";
  callee: Expr;
  args: Expr[];
  span: Span;
}
/** xs[i] or A[i, j] (one entry per comma-separated index). */
export interface Index {
  kind: "Index";
  target: Expr;
  indices: (Expr | SliceBounds)[];
  span: Span;
}
/** a `from:to` part of an index; `:` alone has both undefined. */
export interface SliceBounds {
  kind: "SliceBounds";
  from?: Expr;
  to?: Expr;
  span: Span;
}
/** Kept for clarity: a one-dimensional xs[a:b] is an Index whose single entry is SliceBounds. */
export type Slice = never;
export interface Member {
  kind: "Member";
  target: Expr;
  name: string;
  nameSpan: Span;
  span: Span;
}
export interface Transpose {
  kind: "Transpose";
  operand: Expr;
  span: Span;
}
/** A parameter; `default` (functions and lambdas only) is evaluated at the call when the argument is left out. */
export interface Param {
  name: string;
  type?: TypeName;
  default?: Expr;
  span: Span;
}
/** x => e, (a, b) => { ... }: body is an expression or a block. */
export interface Lambda {
  kind: "Lambda";
  params: Param[];
  body: Expr | Block;
  span: Span;
}
export interface MatchExpr {
  kind: "Match";
  subject: Expr;
  cases: MatchCase[];
  span: Span;
}
export interface MatchCase {
  pattern: Pattern;
  guard?: Expr;
  body: Expr | Block;
  span: Span;
}
/** spawn f(x) / spawn Counter(): the call is kept whole. */
export interface SpawnExpr {
  kind: "Spawn";
  call: Call;
  span: Span;
}
export interface AwaitExpr {
  kind: "Await";
  operand: Expr;
  span: Span;
}
/** Produced by error recovery where an expression was expected; never reaches code generation. */
export interface ErrorExpr {
  kind: "ErrorExpr";
  span: Span;
}

// ---------- patterns ----------

export type Pattern =
  | { kind: "PWildcard"; span: Span }
  | { kind: "PBind"; name: string; span: Span }
  | { kind: "PLiteral"; value: number | string | boolean | null; span: Span } // null stands for nil
  | { kind: "PList"; items: Pattern[]; span: Span }
  | { kind: "PStruct"; module?: string; name: string; fields: { name: string; pattern: Pattern; span: Span }[]; span: Span };

// ---------- statements ----------

export type Stmt =
  | LetStmt
  | FuncDecl
  | StructDecl
  | ActorDecl
  | ImportStmt
  | ExprStmt
  | AssignStmt
  | IfStmt
  | WhileStmt
  | ForStmt
  | ReturnStmt
  | BreakStmt
  | ContinueStmt
  | ThrowStmt
  | TryStmt
  | RegionStmt
  | Block;

/** let / var */
export interface LetStmt {
  kind: "Let";
  mutable: boolean;
  name: string;
  nameSpan: Span;
  type?: TypeName;
  init: Expr;
  span: Span;
}
export interface FuncDecl {
  kind: "Func";
  name: string;
  nameSpan: Span;
  params: Param[];
  returnType?: TypeName;
  body: Block;
  isAsync: boolean;
  span: Span;
}
export interface StructDecl {
  kind: "Struct";
  name: string;
  nameSpan: Span;
  fields: Param[];
  span: Span;
}
export interface ActorDecl {
  kind: "Actor";
  name: string;
  nameSpan: Span;
  state: LetStmt[];
  methods: FuncDecl[];
  span: Span;
}
export interface ImportStmt {
  kind: "Import";
  path: string;
  pathSpan: Span;
  alias: string;
  aliasSpan: Span;
  span: Span;
}
export interface ExprStmt {
  kind: "ExprStmt";
  expr: Expr;
  span: Span;
}
/** target = value, target += value (op is "=" "+=" "-=" "*=" "/="); target is Ident, Index or Member. */
export interface AssignStmt {
  kind: "Assign";
  op: "=" | "+=" | "-=" | "*=" | "/=";
  target: Expr;
  value: Expr;
  span: Span;
}
export interface IfStmt {
  kind: "If";
  branches: { cond: Expr; body: Block }[];
  elseBody?: Block;
  span: Span;
}
export interface WhileStmt {
  kind: "While";
  cond: Expr;
  body: Block;
  span: Span;
}
/** for x in e / for k, v in m */
export interface ForStmt {
  kind: "For";
  first: string;
  firstSpan: Span;
  second?: string;
  secondSpan?: Span;
  iterable: Expr;
  body: Block;
  span: Span;
}
export interface ReturnStmt {
  kind: "Return";
  value?: Expr;
  span: Span;
}
export interface BreakStmt {
  kind: "Break";
  span: Span;
}
export interface ContinueStmt {
  kind: "Continue";
  span: Span;
}
export interface ThrowStmt {
  kind: "Throw";
  value: Expr;
  span: Span;
}
export interface TryStmt {
  kind: "Try";
  body: Block;
  catchName?: string;
  catchSpan?: Span;
  catchBody?: Block;
  finallyBody?: Block;
  span: Span;
}
export interface RegionStmt {
  kind: "Region";
  body: Block;
  span: Span;
}
export interface Block {
  kind: "Block";
  body: Stmt[];
  span: Span;
}

/** `deepest`: how deep the source nests, and the offset where it does (where a stack overflow is reported). */
export interface Program {
  kind: "Program";
  body: Stmt[];
  span: Span;
  deepest: { depth: number; at: number };
}
