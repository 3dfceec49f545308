-- spectral-norm, n = 100 (see bench/programs/spectralnorm.nc).
-- Arrays are 1-based here; evalA takes the 0-based indices of the other programs.

package.path = (arg[0]:match("^(.*[/\\])") or "./") .. "?.lua;" .. package.path
local fmt = require("jsfmt")

local function evalA(i, j)
  return 1 / ((i + j) * (i + j + 1) / 2 + i + 1)
end

local function multiplyAv(n, v, av)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do
      s = s + evalA(i - 1, j - 1) * v[j]
    end
    av[i] = s
  end
end

local function multiplyAtv(n, v, atv)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do
      s = s + evalA(j - 1, i - 1) * v[j]
    end
    atv[i] = s
  end
end

local function multiplyAtAv(n, v, out, tmp)
  multiplyAv(n, v, tmp)
  multiplyAtv(n, tmp, out)
end

local function filled(n, x)
  local xs = {}
  for i = 1, n do xs[i] = x end
  return xs
end

local function main(n)
  local u = filled(n, 1.0)
  local v = filled(n, 0.0)
  local tmp = filled(n, 0.0)
  for _ = 1, 10 do
    multiplyAtAv(n, u, v, tmp)
    multiplyAtAv(n, v, u, tmp)
  end
  local vBv, vv = 0.0, 0.0
  for i = 1, n do
    vBv = vBv + u[i] * v[i]
    vv = vv + v[i] * v[i]
  end
  print(fmt.num(fmt.round(math.sqrt(vBv / vv) * 1e9) / 1e9))
end

main(100)
