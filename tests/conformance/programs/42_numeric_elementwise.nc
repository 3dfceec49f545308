// 1.1: the math functions apply to each element of a matrix or tensor; .^ is elementwise power
print(abs([-1, 2; -3, 4]), sqrt([4, 9;]), floor([1.5, -1.5;]), ceil([1.5, -1.5;]), round([0.5, -0.5, 2.4;]))
print(exp([0, 0;]), log([1, 1;]), sin(zeros(2, 2)), cos([0; 0]), tan([0, 0;]))
print(abs(f32([-1, 2;])), sqrt(tensor([2, 1, 2], 16)))
print([1, 2; 3, 4] .^ 2, [4, 9;] .^ 0.5, tensor([1, 1, 2], 3) .^ 2, f32([2, 3;]) .^ 2)
