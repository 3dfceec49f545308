-- Sum of i * i for i in [0, 1e8) (see bench/programs/loop.nc).
-- The sum is a float, as in Noodle: it exceeds the 64-bit integer range.

package.path = (arg[0]:match("^(.*[/\\])") or "./") .. "?.lua;" .. package.path
local fmt = require("jsfmt")

local function sumSquares(n)
  local s = 0.0
  for i = 0, n - 1 do
    s = s + i * i
  end
  return s
end

print(fmt.num(sumSquares(100000000)))
