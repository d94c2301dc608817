// RUN: not scanjit-opt %s -p bufferize 2>&1 | filecheck %s

// Tensor ops other than those convert-sj-to-loops produces are rejected.
func.func @cast(%x: tensor<?xf64>) -> tensor<4xf64> {
  %r = tensor.cast %x : tensor<?xf64> to tensor<4xf64>
  func.return %r : tensor<4xf64>
}

// CHECK: scanjit-opt: error: bufferize: cannot bufferize tensor.cast on tensors
