// RUN: scanjit-opt %s -p fold-tensor-dims | filecheck %s

// Sizes read inside the loop are answered from where the tensors come from:
// the carried state keeps its initial value's shape (its yield inserts into
// it), the copy is an empty tensor of that size, and the call's result has the
// shape of the operand it writes.

func.func @step(%n: index, %w: index, %init: tensor<?xf64>) -> tensor<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %state = tensor.empty(%w) : tensor<?xf64>
  %r = scf.for %t = %c0 to %n step %c1 iter_args(%acc = %state) -> (tensor<?xf64>) {
    %len = tensor.dim %acc, %c0 : tensor<?xf64>
    %copy = tensor.empty(%len) : tensor<?xf64>
    %filled = "sj.fill"(%zero, %len) : (f64, index) -> tensor<?xf64>
    %out, %s = "sj.call"(%filled, %copy) <{callee = "f", writes = array<i64: 0, 1>}> : (tensor<?xf64>, tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>)
    %len2 = tensor.dim %out, %c0 : tensor<?xf64>
    %next = tensor.insert %zero into %acc[%len2] : tensor<?xf64>
    scf.yield %next : tensor<?xf64>
  }
  %final = tensor.dim %r, %c0 : tensor<?xf64>
  %x = tensor.insert %zero into %init[%final] : tensor<?xf64>
  func.return %x : tensor<?xf64>
}

// CHECK-LABEL: func.func @step
// CHECK: scf.for
// CHECK-NEXT: tensor.empty(%w)
// CHECK-NEXT: "sj.fill"(%zero, %w)
// CHECK: tensor.insert %zero into %acc[%w]
// CHECK: tensor.insert %zero into %init[%w]
// CHECK-NOT: tensor.dim

// Not folded: the loop yields a tensor that does not derive from its state,
// so the state's size may change from step to step.

func.func @reshaped(%n: index, %w: index, %other: tensor<?xf64>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %state = tensor.empty(%w) : tensor<?xf64>
  %r = scf.for %t = %c0 to %n step %c1 iter_args(%acc = %state) -> (tensor<?xf64>) {
    %len = tensor.dim %acc, %c0 : tensor<?xf64>
    %fresh = tensor.empty(%len) : tensor<?xf64>
    scf.yield %other : tensor<?xf64>
  }
  %final = tensor.dim %r, %c0 : tensor<?xf64>
  func.return %final : index
}

// CHECK-LABEL: func.func @reshaped
// CHECK: tensor.dim %acc, %c0
// CHECK: tensor.dim %r, %c0

// Not folded either: two buffers swapped every step (each may take the
// other's size), which must not send the pass from one to the other forever.

func.func @swapped(%n: index, %a: tensor<?xf64>, %b: tensor<?xf64>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r:2 = scf.for %t = %c0 to %n step %c1 iter_args(%x = %a, %y = %b) -> (tensor<?xf64>, tensor<?xf64>) {
    %len = tensor.dim %x, %c0 : tensor<?xf64>
    scf.yield %y, %x : tensor<?xf64>, tensor<?xf64>
  }
  %final = tensor.dim %r#0, %c0 : tensor<?xf64>
  func.return %final : index
}

// CHECK-LABEL: func.func @swapped
// CHECK: tensor.dim %x, %c0
// CHECK: tensor.dim %r, %c0

// Through a nest: the outer state is written by an inner loop that inserts
// into it, so its size inside the outer loop is the initial one.

func.func @nested(%n: index, %w: index) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %state = tensor.empty(%w) : tensor<?xf64>
  %r = scf.for %t = %c0 to %n step %c1 iter_args(%acc = %state) -> (tensor<?xf64>) {
    %len = tensor.dim %acc, %c0 : tensor<?xf64>
    %row = scf.for %i = %c0 to %len step %c1 iter_args(%inner = %acc) -> (tensor<?xf64>) {
      %next = tensor.insert %zero into %inner[%i] : tensor<?xf64>
      scf.yield %next : tensor<?xf64>
    }
    scf.yield %row : tensor<?xf64>
  }
  %final = tensor.dim %r, %c0 : tensor<?xf64>
  func.return %final : index
}

// CHECK-LABEL: func.func @nested
// CHECK: scf.for %{{.*}} = %c0 to %n step %c1 iter_args(%acc = %state)
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %w step %c1
// CHECK: func.return %w : index
