"""`scanjit.tensor.nnet`: the names of the former `pytensor.tensor.nnet`
(Theano's `tensor.nnet`) that scanjit has, for code ported from it;
PyTensor 3 has them as `pt.sigmoid`, `pt.softplus` and `pt.special.softmax`."""

from scanjit.tensor.elemwise import sigmoid, softplus
from scanjit.tensor.special import log_softmax, softmax

__all__ = ["sigmoid", "softplus", "softmax", "log_softmax"]
