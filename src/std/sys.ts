// The standard module std/sys: the program's arguments, environment, exit and clock, written in
// Noodle over the host's `__sys_*` builtins (src/runtime/system-host.ts).
// Import it with `import "std/sys" as sys`.

export const SYS_SOURCE = `// std/sys: the program's arguments, environment, exit and the wall clock.

// The arguments after the program's file on the command line (a list of strings).
let args = __sys_args()

// The value of an environment variable, nil when unset; 6001 without --allow-env.
func env(name) { return __sys_env(name) }

// Ends the whole run at once with an exit code (0 by default), after the output so far.
// No try/catch stops it.
func exit(code = 0) { __sys_exit(code) }

// Wall-clock milliseconds since the Unix epoch.
func now() { return __sys_now() }
`;
