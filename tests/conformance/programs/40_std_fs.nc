// 1.1: std/fs under the run's capabilities: reads outside the allowed roots and writes outside
// the working directory are 6001; a missing file is 3012
import "std/fs" as fs
try { fs.read("/etc/hostname") } catch e { print(e.code) }
try { fs.write("/tmp/noodle-conformance-refused.txt", "x") } catch e { print(e.code) }
print(fs.exists("no-such-file-in-the-working-directory.txt"))
try { fs.read("no-such-file-in-the-working-directory.txt") } catch e { print(e.code) }
