// 1.1: std/sys: the program's arguments, the clock, and environment variables only with --allow-env
import "std/sys" as sys
print(sys.args, type(sys.args))
print(type(sys.now()), sys.now() > 1600000000000)
try { sys.env("HOME") } catch e { print(e.code) }
