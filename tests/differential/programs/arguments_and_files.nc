// args: one two
// The program's arguments, and a file it writes in its working directory, seen from its tasks.
import "std/sys" as sys
import "std/fs" as fs
func describe(args) { return "${len(args)} arguments: ${args}" }
func readBack(path) { return fs.read(path) }
print(await spawn describe(sys.args))
fs.write("note.txt", "written by the program")
print(await spawn readBack("note.txt"))
