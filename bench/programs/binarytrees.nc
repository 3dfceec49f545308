// binary-trees, from the Computer Language Benchmarks Game, max depth 14:
// allocates many short-lived trees and one long-lived tree, and walks them.
// A node is a list [left, right]; a leaf is [nil, nil].

func bottomUpTree(depth) {
  if depth > 0 {
    return [bottomUpTree(depth - 1), bottomUpTree(depth - 1)]
  }
  return [nil, nil]
}

func itemCheck(node) {
  if node[0] == nil {
    return 1
  }
  return 1 + itemCheck(node[0]) + itemCheck(node[1])
}

func main(n) {
  let minDepth = 4
  let maxDepth = max(minDepth + 2, n)
  let stretchDepth = maxDepth + 1
  let stretchCheck = itemCheck(bottomUpTree(stretchDepth))
  print("stretch tree of depth ${stretchDepth}\t check: ${stretchCheck}")

  let longLived = bottomUpTree(maxDepth)

  var depth = minDepth
  while depth <= maxDepth {
    let iterations = 2 ** (maxDepth - depth + minDepth)
    var check = 0
    for i in 0..iterations {
      check += itemCheck(bottomUpTree(depth))
    }
    print("${iterations}\t trees of depth ${depth}\t check: ${check}")
    depth += 2
  }

  let longCheck = itemCheck(longLived)
  print("long lived tree of depth ${maxDepth}\t check: ${longCheck}")
}

main(14)
