// A least-squares line through noisy points: the normal equations (X'X) w = X'y, and a plot of
// the points with the fitted line.
import "std/plot" as plot

let n = 50
let noise = rand(n, 1, 7)
var X = ones(n, 2)
var y = zeros(n, 1)
for i in 0..n {
  let t = i / (n - 1) * 10
  X[i, 1] = t
  y[i, 0] = 2.5 * t + 1.0 + (noise[i, 0] - 0.5) * 2
}

let w = solve(X' * X, X' * y)
print("intercept:", round(w[0, 0] * 1000) / 1000)
print("slope:    ", round(w[1, 0] * 1000) / 1000)

let residual = y - X * w
let rmse = sqrt(sum(residual .* residual) / n)
print("rms error:", round(rmse * 1000) / 1000)

// the slope and intercept we put in are recovered, up to the noise
assert(abs(w[1, 0] - 2.5) < 0.1, "slope")
assert(abs(w[0, 0] - 1.0) < 0.5, "intercept")
print("fit ok")

var ts = []
var ys = []
var fit = []
for i in 0..n {
  push(ts, X[i, 1])
  push(ys, y[i, 0])
  push(fit, w[0, 0] + w[1, 0] * X[i, 1])
}
plot.show(plot.scatter(ts, ys, {"title": "noisy points", "xlabel": "t", "ylabel": "y"}))
plot.show(plot.line(ts, fit, {"title": "least-squares fit", "xlabel": "t", "ylabel": "y"}))
