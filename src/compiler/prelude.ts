// Builtins written in Noodle: the ones that call functions they are given (running them as
// ordinary bytecode keeps the VM from ever calling back into itself), and the string functions,
// which call the host. A program includes the
// prelude functions it uses, and nothing else.

export const PRELUDE_FILE = "<prelude>";

export const PRELUDE_SOURCE = `
func map(xs, f) {
  var out = []
  for x in xs { push(out, f(x)) }
  return out
}

// pmap runs f on a pool's workers when the VM has one attached (src/concurrency/pmap-host.ts);
// the host answers nil when it cannot, and the items are mapped here with the same results
func pmap(xs, f) {
  let r = __pmap(xs, f)
  if r == nil { return map(xs, f) }
  return r
}

func filter(xs, keep) {
  var out = []
  for x in xs { if keep(x) { push(out, x) } }
  return out
}

func reduce(xs, f, init) {
  var acc = init
  for x in xs { acc = f(acc, x) }
  return acc
}

// A stable merge sort; before(a, b) says whether a goes first: true, or a negative number.
func sort_with(xs, before) {
  var items = copy_list(xs)
  var n = len(items)
  var scratch = copy_list(xs)
  var width = 1
  while width < n {
    var lo = 0
    while lo < n {
      let mid = min(lo + width, n)
      let hi = min(lo + 2 * width, n)
      var i = lo
      var j = mid
      var k = lo
      while k < hi {
        if j < hi and (i >= mid or goes_first(before, items[j], items[i])) {
          scratch[k] = items[j]
          j += 1
        } else {
          scratch[k] = items[i]
          i += 1
        }
        k += 1
      }
      lo += 2 * width
    }
    let t = items
    items = scratch
    scratch = t
    width *= 2
  }
  return items
}

// sort as a value: the comparison is optional, as in a call of sort
func sort_value(xs, before = nil) {
  if before == nil { return sort(xs) }
  return sort_with(xs, before)
}

func goes_first(before, a, b) {
  let r = before(a, b)
  if r == true or r == false { return r }
  return r < 0
}

func copy_list(xs) {
  var out = []
  for x in xs { push(out, x) }
  return out
}

// The string functions of spec section 5, done by the host (src/strings/string-host.ts)
func split(s, sep) { return __str_split(s, sep) }
func join(xs, sep) { return __str_join(xs, sep) }
func trim(s) { return __str_trim(s) }
func upper(s) { return __str_upper(s) }
func lower(s) { return __str_lower(s) }
func replace(s, old, new) { return __str_replace(s, old, new) }
func find(s, sub) { return __str_find(s, sub) }
func starts_with(s, p) { return __str_starts_with(s, p) }
func ends_with(s, p) { return __str_ends_with(s, p) }
func fixed(x, digits) { return __str_fixed(x, digits) }
`;

/** Names the prelude offers to programs (helpers it uses internally are not visible). */
export const PRELUDE_NAMES: ReadonlySet<string> = new Set([
  "map",
  "pmap",
  "filter",
  "reduce",
  ...["split", "join", "trim", "upper", "lower", "replace", "find", "starts_with", "ends_with", "fixed"],
]);

/** The prelude function behind `sort(xs, before)`. */
export const SORT_WITH = "sort_with";

/** The prelude function `sort` stands for when it is used as a value. */
export const SORT_VALUE = "sort_value";
