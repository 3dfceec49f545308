-- Helpers shared by the Lua peers.
--
-- Noodle prints numbers as JavaScript's String(n) does; tostring and %g differ
-- from it (5.0, 1e+21 vs 1e21, digit counts), so the peers format through
-- M.num to make their output comparable byte for byte.

local M = {}

-- Formats x as ECMAScript's Number::toString: the shortest digit string that
-- reads back as x, in fixed notation for 1e-7 < |x| < 1e21, else exponent.
function M.num(x)
  -- Lua 5.3+ has integers (tostring is exact for them); Lua 5.1 and LuaJIT have floats only
  if math.type and math.type(x) == "integer" then return tostring(x) end
  if x ~= x then return "NaN" end
  if x == math.huge then return "Infinity" end
  if x == -math.huge then return "-Infinity" end
  if x == 0 then return "0" end -- also -0, which Noodle prints as 0

  local s
  for p = 0, 16 do
    s = string.format("%." .. p .. "e", x)
    if tonumber(s) == x then break end
  end
  local sign, lead, frac, exp = s:match("^(%-?)(%d)%.?(%d*)e([-+]%d+)$")
  local digits = (lead .. frac):gsub("0+$", "")
  local k = #digits
  local n = tonumber(exp) + 1 -- the decimal point sits after n digits

  local body
  if k <= n and n <= 21 then
    body = digits .. string.rep("0", n - k)
  elseif 0 < n and n <= 21 then
    body = digits:sub(1, n) .. "." .. digits:sub(n + 1)
  elseif -6 < n and n <= 0 then
    body = "0." .. string.rep("0", -n) .. digits
  else
    local e = n - 1
    local mantissa = digits:sub(1, 1)
    if k > 1 then mantissa = mantissa .. "." .. digits:sub(2) end
    body = mantissa .. "e" .. (e >= 0 and "+" or "-") .. math.abs(e)
  end
  return sign .. body
end

-- Noodle's round: half away from zero.
function M.round(x)
  if x < 0 then return -math.floor(-x + 0.5) end
  return math.floor(x + 0.5)
end

return M
