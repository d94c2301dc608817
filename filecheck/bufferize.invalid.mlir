// RUN: not scanjit-opt %s -p bufferize 2>&1 | filecheck %s

// Tensor ops other than those convert-sj-to-loops produces are rejected.
func.func @splat(%x: f64) -> tensor<4xf64> {
  %r = tensor.splat %x : tensor<4xf64>
  func.return %r : tensor<4xf64>
}

// CHECK: scanjit-opt: error: bufferize: cannot bufferize tensor.splat on tensors
