// The standard module std/plot: figures as plain values, and plot.show, written in Noodle over the
// host's `__plot_*` builtins (src/plot/plot-host.ts). Import it with `import "std/plot" as plot`.

export const PLOT_SOURCE = `// std/plot: figures, and showing them.
//
// A figure is a map: {"type": "figure", "kind": ..., its data, "title", "xlabel", "ylabel"}.
// xs and ys are lists of numbers or one-row or one-column matrices; opts is a map with any of
// "title", "xlabel" and "ylabel".

// A line through the points (xs[i], ys[i]), joined in the order given.
func line(xs, ys, opts = nil) { return __plot_figure("line", xs, ys, opts) }

// The points (xs[i], ys[i]).
func scatter(xs, ys, opts = nil) { return __plot_figure("scatter", xs, ys, opts) }

// A histogram of xs in bins of equal width (10 unless given) from its least value to its greatest.
// plot.hist(xs, opts) takes the default bins.
func hist(xs, bins = nil, opts = nil) { return __plot_figure("hist", xs, bins, opts) }

// The matrix M as a grid of coloured cells, row 0 at the top.
func heatmap(M, opts = nil) { return __plot_figure("heatmap", M, nil, opts) }

// Shows a figure: beside the output in the playground; under noodle run, as an SVG file whose
// path is printed.
func show(fig) {
  let where = __plot_show(fig)
  if where != nil { print(where) }
}
`;
