// The standard module std/json: JSON text to Noodle values and back, written in Noodle over the
// host's `__json_*` builtins (src/json/json-host.ts). Import it with `import "std/json" as json`.

export const JSON_SOURCE = `// std/json: JSON text to values and back.

// The value of JSON text: objects are maps (in their key order), arrays lists, null nil.
// A syntax error is 3009, naming its line and column.
func parse(text) { return __json_parse(text) }

// JSON text of a value: maps and structs are objects, matrices lists of rows, tensors nested
// lists. indent: spaces (a number) or a string to indent with; none: one line.
func stringify(value, indent = nil) { return __json_stringify(value, indent) }
`;
