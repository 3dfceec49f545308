// 1.1: std/json parses maps, lists, numbers, strings, bools and nil; stringify writes matrices as lists of rows
import "std/json" as json
let v = json.parse("{\"a\": [1, 2.5, true, null], \"b\": \"t\\u00e9\", \"c\": {\"d\": -1e3}}")
print(v, type(v))
print(json.parse("[]"), json.parse("3"), json.parse("\"s\""), json.parse("null"), json.parse("false"))
let data = {"k": [1, "x", nil, false], "n": 0.5}
print(json.parse(json.stringify(data)) == data, type(json.stringify(data)))
print(json.parse(json.stringify([1, 2; 3, 4])), json.parse(json.stringify(data, 2)) == data)
try { json.parse("{bad json") } catch e { print(e.code) }
