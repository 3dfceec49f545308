// The standard module std/fs: reading and writing text files, written in Noodle over the host's
// `__fs_*` builtins (src/runtime/system-host.ts), under the program's permissions (6001).
// Import it with `import "std/fs" as fs`.

export const FS_SOURCE = `// std/fs: text files, under the program's permissions (see docs/capabilities.md).
// Relative paths are relative to the working directory.

// The text of a file; 3012 when there is none.
func read(path) { return __fs_read(path) }

// Replaces the file's text (creating the file).
func write(path, text) { __fs_write(path, text) }

// Adds text at the end of the file (creating the file).
func append(path, text) { __fs_append(path, text) }

// Whether there is a file or folder at path.
func exists(path) { return __fs_exists(path) }

// The names in a folder, sorted; 3012 when there is no such folder.
func list(dir) { return __fs_list(dir) }
`;
