-- binary-trees, max depth 14 (see bench/programs/binarytrees.nc).
-- A node is a table {left, right}; a leaf is an empty table (Lua's {nil, nil}).

local function bottomUpTree(depth)
  if depth > 0 then
    return { bottomUpTree(depth - 1), bottomUpTree(depth - 1) }
  end
  return {}
end

local function itemCheck(node)
  if node[1] == nil then return 1 end
  return 1 + itemCheck(node[1]) + itemCheck(node[2])
end

local function main(n)
  local minDepth = 4
  local maxDepth = math.max(minDepth + 2, n)
  local stretchDepth = maxDepth + 1
  local stretchCheck = itemCheck(bottomUpTree(stretchDepth))
  print(string.format("stretch tree of depth %d\t check: %d", stretchDepth, stretchCheck))

  local longLived = bottomUpTree(maxDepth)

  for depth = minDepth, maxDepth, 2 do
    local iterations = math.floor(2 ^ (maxDepth - depth + minDepth)) -- Lua 5.1 syntax: no shift operator
    local check = 0
    for _ = 1, iterations do
      check = check + itemCheck(bottomUpTree(depth))
    end
    print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, check))
  end

  print(string.format("long lived tree of depth %d\t check: %d", maxDepth, itemCheck(longLived)))
end

main(14)
