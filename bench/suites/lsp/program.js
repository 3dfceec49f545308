// A generated Noodle program of about N lines in the canonical layout (docs/formatting.md), for
// timing language services on a file of a realistic size: functions with loops, branches and
// matches, structs, actors, lists, maps and matrices, long calls broken over lines, and comments.

/** One unit of about 40 lines; `k` makes its names unique. */
function unit(k) {
  return `// unit ${k}: a struct, an actor and functions over them
struct Point${k} { x: number, y: number }

actor Counter${k} {
  var n = 0
  func add(d) {
    n += d
    return n
  }
}

/* the distance of a point from the origin,
   by the sum of squares */
func norm${k}(p) {
  return sqrt(p.x * p.x + p.y * p.y)
}

func classify${k}(v, limit = 10) {
  var total = 0
  for i in 0..limit {
    if i % 2 == 0 { total += i } else { total -= 1 }
  }
  let label = match v {
    case 0 => "zero"
    case n if n < 0 => "negative"
    case [a, b] => "pair"
    case Point${k} { x, y } => "point"
    case _ => "other"
  }
  let weights = [1, -2, 3; -4, 5, -6; 7, -8, 9]
  let table = {"label": label, "total": total, "norm": norm${k}(Point${k} { x: 3, y: 4 })}
  return describe${k}(label, total, weights, table, "a long argument to make this call longer", v)
}

func describe${k}(label, total, weights, table, note, v) {
  return [label, total, det(weights), len(table), note, v]
}
`;
}

const UNIT_LINES = unit(0).split("\n").length - 1;

/** A canonical program of at least `lines` lines. */
export function generatedProgram(lines) {
  const parts = [];
  for (let k = 0; parts.length * UNIT_LINES < lines; k++) parts.push(unit(k));
  return parts.join("\n");
}

const careless = (line) =>
  line
    .replace(/^( +)/, (s) => s + s)
    .replace(/ ([+*=<%-]|==) (?=[\w(])/g, "$1")
    .replace(/, (?=[\w"[])/g, ",");

/**
 * The same program written carelessly: indentation of four, no spaces around operators and after
 * commas, the long call on one line, two blank lines between units. Formatting it gives back
 * the canonical text.
 */
export function carelessProgram(lines) {
  return generatedProgram(lines)
    .split("\n")
    .map((l) => (/^\s*(\/\/|\/\*|by )/.test(l) ? l : careless(l)))
    .join("\n")
    .replace(/\n\n/g, "\n\n\n");
}
