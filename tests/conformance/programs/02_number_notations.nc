// every notation of a number literal; all are doubles
print(42, 3.5, 1e-3, 2.5E+8, 0xFF, 0b1010, 1_000_000)
print(0xff + 0b1, 1_000.25, 1E3, 5e0, 0x10 * 0b10)
print(type(0xFF), type(1e-3), 0b1010 == 10, 1_000 == 1000)
print(7 / 2, 1 / 3, 2 / 3, 0.1 + 0.2, 1e21, 1e20, 123456789012345680000)
print(1e-7, 0.000001, 1.5e-10, -1e21, 2 ** 53, 2 ** 53 + 1)
print(-0, 0 * -1, -0 == 0, str(-0), [-0, -0.0])
print(1e308 * 10, log(0), sqrt(-1), sqrt(-1) == sqrt(-1), -(1e308 * 10))
