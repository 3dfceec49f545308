// The standard module std/db: persistent, transactional storage of values, written in Noodle over
// the host's `__db_*` builtins (src/store/db-host.ts). Import it with `import "std/db" as db`.

export const DB_SOURCE = `// std/db: persistent, transactional storage of values.
//
// open(path) gives a store: a file in Node, an IndexedDB database in browsers, in memory without
// a path. Its functions are fields of the Store value: s.put(key, value, meta), s.get(key), ...
struct Store { path, put, get, has, delete, keys, transaction, query, close }

func open(path = nil) {
  let h = __db_open(path)

  // Stores value under key (a string), with an optional map of metadata.
  func put(key, value, meta = {}) { __db_put(h, key, value, meta) }

  // The value under key; 8001 when there is none.
  func get(key) { return __db_get(h, key) }

  func has(key) { return __db_has(h, key) }

  // Removes key; true when it was there.
  func delete(key) { return __db_delete(h, key) }

  // The keys that start with prefix, in order.
  func keys(prefix = "") { return __db_keys(h, prefix) }

  // Runs f() as one transaction: committed when it returns, rolled back when it throws (and
  // the error thrown on). Inside another transaction it is a savepoint.
  func transaction(f) {
    __db_begin(h)
    var result = nil
    try {
      result = f()
    } catch e {
      __db_rollback(h)
      throw e
    }
    __db_commit(h)
    return result
  }

  // An MQL query: one SELECT over objects(key, type, dtype, rows, cols, shape, value, meta,
  // created, updated); ? placeholders take params in order. Rows come back as maps.
  func query(sql, params = []) { return __db_query(h, sql, params) }

  func close() { __db_close(h) }

  return Store { path: path, put: put, get: get, has: has, delete: delete, keys: keys,
                 transaction: transaction, query: query, close: close }
}
`;
