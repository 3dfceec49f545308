// n-body, from the Computer Language Benchmarks Game: the Jovian planets
// around the sun, 1000 steps of 0.01 days. Prints the energy before and after,
// rounded to 9 decimals.
// A body is a list [x, y, z, vx, vy, vz, mass].

let PI = 3.141592653589793
let SOLAR_MASS = 4 * PI * PI
let DAYS_PER_YEAR = 365.24

func body(x, y, z, vx, vy, vz, mass) {
  return [x, y, z, vx * DAYS_PER_YEAR, vy * DAYS_PER_YEAR, vz * DAYS_PER_YEAR, mass * SOLAR_MASS]
}

func offsetMomentum(bodies) {
  var px = 0
  var py = 0
  var pz = 0
  for b in bodies {
    px += b[3] * b[6]
    py += b[4] * b[6]
    pz += b[5] * b[6]
  }
  let sun = bodies[0]
  sun[3] = -px / SOLAR_MASS
  sun[4] = -py / SOLAR_MASS
  sun[5] = -pz / SOLAR_MASS
}

func advance(bodies, dt) {
  let n = len(bodies)
  for i in 0..n {
    let bi = bodies[i]
    for j in (i + 1)..n {
      let bj = bodies[j]
      let dx = bi[0] - bj[0]
      let dy = bi[1] - bj[1]
      let dz = bi[2] - bj[2]
      let d2 = dx * dx + dy * dy + dz * dz
      let mag = dt / (d2 * sqrt(d2))
      let mi = bi[6] * mag
      let mj = bj[6] * mag
      bi[3] = bi[3] - dx * mj
      bi[4] = bi[4] - dy * mj
      bi[5] = bi[5] - dz * mj
      bj[3] = bj[3] + dx * mi
      bj[4] = bj[4] + dy * mi
      bj[5] = bj[5] + dz * mi
    }
  }
  for b in bodies {
    b[0] = b[0] + dt * b[3]
    b[1] = b[1] + dt * b[4]
    b[2] = b[2] + dt * b[5]
  }
}

func energy(bodies) {
  var e = 0
  let n = len(bodies)
  for i in 0..n {
    let bi = bodies[i]
    e += 0.5 * bi[6] * (bi[3] * bi[3] + bi[4] * bi[4] + bi[5] * bi[5])
    for j in (i + 1)..n {
      let bj = bodies[j]
      let dx = bi[0] - bj[0]
      let dy = bi[1] - bj[1]
      let dz = bi[2] - bj[2]
      e -= bi[6] * bj[6] / sqrt(dx * dx + dy * dy + dz * dz)
    }
  }
  return e
}

func main(steps) {
  let bodies = [
    body(0, 0, 0, 0, 0, 0, 1),
    body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
         1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
         9.54791938424326609e-04),
    body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
         -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
         2.85885980666130812e-04),
    body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
         2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
         4.36624404335156298e-05),
    body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
         2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
         5.15138902046611451e-05)
  ]
  offsetMomentum(bodies)
  print(round(energy(bodies) * 1e9) / 1e9)
  for step in 0..steps {
    advance(bodies, 0.01)
  }
  print(round(energy(bodies) * 1e9) / 1e9)
}

main(1000)
