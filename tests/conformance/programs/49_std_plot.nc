// 1.1: std/plot: figures are plain maps with "type": "figure"; lists or one-row and one-column
// matrices give the points; wrong arguments are coded errors (plot.show is covered by tests/plot)
import "std/plot" as plot
let f = plot.line([0, 1, 2], [0, 1, 4], {"title": "squares", "xlabel": "n"})
print(f["type"], f["kind"], f["title"], f["xlabel"], f["ylabel"])
print(f["x"], f["y"], type(f))
let s = plot.scatter([1, 2;], [3; 4])
print(s["x"], s["y"])
let h = plot.hist([1, 2, 2, 3])
print(h["kind"], h["bins"], h["xlabel"], h["ylabel"], plot.hist([1], 4)["bins"])
let m = plot.heatmap([1, 2; 3, 4])
print(m["matrix"], type(m["matrix"]))
print(copy(f) == f)
try { plot.line([1, 2], [1]) } catch e { print(e.code) }
try { plot.scatter("a", [1]) } catch e { print(e.code) }
try { plot.hist([1, 2], 0) } catch e { print(e.code) }
try { plot.heatmap([1, 2], {"title": "t"}) } catch e { print(e.code) }
try { plot.line([1], [1], {"colour": "red"}) } catch e { print(e.code) }
try { plot.show(42) } catch e { print(e.code) }
